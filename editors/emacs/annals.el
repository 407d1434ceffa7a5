;;; annals.el --- annals language server for Markdown, through eglot  -*- lexical-binding: t; -*-

;; Load this file (or copy the form below into your init file). eglot is built into
;; Emacs 29 and later. Open a Markdown file of a corpus and run M-x eglot.

;;; Code:

(require 'eglot)

(add-to-list 'eglot-server-programs
             '((markdown-mode gfm-mode markdown-ts-mode) . ("annals" "lsp")))

(provide 'annals)
;;; annals.el ends here
