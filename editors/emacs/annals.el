;;; annals.el --- annals language server for Markdown, through eglot  -*- lexical-binding: t; -*-

;; Load this file from your init file:
;;
;;   (load "/path/to/annals/editors/emacs/annals.el")
;;
;; It needs eglot (built into Emacs 29 and later; on Emacs 28, from GNU ELPA or Debian's
;; elpa-eglot) and markdown-mode (MELPA, or Debian's elpa-markdown-mode). A Markdown file in a
;; corpus (at or below an `annals.toml') then starts the server; other Markdown files start
;; nothing. `M-x eglot' starts it by hand. Findings arrive through flymake, hover cards through
;; eldoc. Set `annals-command' when `annals' is not on `exec-path'.

;;; Code:

(require 'eglot)

(defgroup annals nil
  "Annotated news corpora, checked by the annals language server."
  :group 'tools
  :prefix "annals-")

(defcustom annals-command '("annals" "lsp")
  "The program and arguments that start the annals language server."
  :type '(repeat string))

;; A function, so that a later change of `annals-command' holds for the next connection.
(add-to-list 'eglot-server-programs
             `((markdown-mode gfm-mode markdown-ts-mode) . ,(lambda (&optional _interactive) annals-command)))

(defun annals-eglot-ensure ()
  "Start eglot in this Markdown buffer when its file lies in an annals corpus."
  (when (and buffer-file-name (locate-dominating-file buffer-file-name "annals.toml"))
    (eglot-ensure)))

;; gfm-mode derives from markdown-mode and runs its hook.
(add-hook 'markdown-mode-hook #'annals-eglot-ensure)
(add-hook 'markdown-ts-mode-hook #'annals-eglot-ensure)

(provide 'annals)
;;; annals.el ends here
