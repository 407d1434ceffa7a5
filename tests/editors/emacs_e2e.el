;;; emacs_e2e.el --- editors/emacs/annals.el in a real Emacs  -*- lexical-binding: t; -*-

;; `emacs --batch -l tests/editors/emacs_e2e.el': loads annals.el as a user's init file would,
;; opens a seed article of a scratch corpus, and checks that eglot connects to `annals lsp',
;; that flymake gets the article's findings, and that a hover on a mention is the entity card.
;; Environment: ANNALS_EMACS_EL (the file under test), ANNALS_CORPUS (a copy of corpus/),
;; ANNALS_ARTICLE (an article in it), ANNALS_EXPECTED (its findings, one "LINE CODE MESSAGE" a
;; line, from `annals check'); `annals' on PATH. Exits 1 on the first failure.

;;; Code:

(defun e2e-env (name)
  (or (getenv name) (e2e-fail (format "%s is not set" name))))

(defun e2e-fail (message)
  (message "FAIL: %s" message)
  (kill-emacs 1))

(defun e2e-check (cond message)
  (if cond (message "ok: %s" message) (e2e-fail message)))

(defun e2e-wait (predicate seconds)
  "Run the event loop until PREDICATE holds or SECONDS pass; the last value of PREDICATE."
  (let ((deadline (+ (float-time) seconds)) value)
    (while (and (not (setq value (funcall predicate))) (< (float-time) deadline))
      (accept-process-output nil 0.05))
    value))

;; Debian's elpa packages (eglot on Emacs 28, markdown-mode), as Emacs activates them at start-up.
(package-activate-all)
(dolist (feature '(eglot markdown-mode))
  (unless (require feature nil t)
    (e2e-fail (format "%s is missing: apt-get install %s (bash .ci/run does)" feature
                      (if (eq feature 'eglot) "elpa-eglot" "elpa-markdown-mode")))))
(e2e-check (executable-find "annals") "annals is on PATH")
(load (e2e-env "ANNALS_EMACS_EL") nil t)
(e2e-check (featurep 'annals) "editors/emacs/annals.el loads")

(let* ((corpus (file-name-as-directory (e2e-env "ANNALS_CORPUS")))
       (article (expand-file-name (e2e-env "ANNALS_ARTICLE") corpus))
       (expected (split-string (e2e-env "ANNALS_EXPECTED") "\n" t))
       (eglot-sync-connect 30)
       (buffer (find-file-noselect article)))
  (set-buffer buffer)
  (e2e-check (derived-mode-p 'markdown-mode) (format "the article opens in %s" major-mode))
  ;; eglot-ensure connects from the command loop, after the command that opened the file.
  (run-hooks 'post-command-hook)
  (let ((server (e2e-wait #'eglot-current-server 30)))
    (e2e-check server "eglot connects to the annals server")
    (e2e-check (equal (process-command (jsonrpc--process server)) '("annals" "lsp"))
               (format "with annals.el's command: %S" (process-command (jsonrpc--process server)))))
  (e2e-check (bound-and-true-p flymake-mode) "flymake is on in the article")

  ;; The findings `annals check' gives for the article, each at its line with its code.
  (let* ((want (mapcar (lambda (line)
                         (let ((parts (split-string line " ")))
                           (list (string-to-number (car parts)) (cadr parts)
                                 (mapconcat #'identity (cddr parts) " "))))
                       expected))
         (got (lambda ()
                (mapcar (lambda (d)
                          (list (line-number-at-pos (flymake-diagnostic-beg d))
                                (flymake-diagnostic-text d)))
                        (flymake-diagnostics))))
         (started 0)
         (found (e2e-wait (lambda ()
                            ;; flymake starts only when its buffer is shown (no window in
                            ;; batch) or after a change: start it as a redisplay would.
                            (when (> (- (float-time) started) 1)
                              (setq started (float-time))
                              (flymake-start))
                            (>= (length (funcall got)) (length want)))
                          30)))
    (ignore found)
    (e2e-check (> (length want) 0) (format "annals check finds %d findings in the article" (length want)))
    (let ((have (funcall got)))
      (e2e-check (= (length have) (length want))
                 (format "flymake holds %d diagnostics, as many as annals check%s" (length have)
                         (if (= (length have) (length want)) "" (format ": %S" have))))
      (dolist (w want)
        (e2e-check (cl-some (lambda (h)
                              (and (= (car h) (car w))
                                   (string-match-p (regexp-quote (format "[%s]" (nth 1 w))) (cadr h))
                                   (string-match-p (regexp-quote (nth 2 w)) (cadr h))))
                            have)
                   (format "line %d: %s" (car w) (nth 1 w))))))

  ;; Hover on a mention: the entity card, as eldoc would ask for it.
  (goto-char (point-min))
  (e2e-check (search-forward "[Dmitry Rogozin]{e=rogozin}" nil t) "the article names Dmitry Rogozin")
  (goto-char (+ (match-beginning 0) 3))
  (let* ((hover (jsonrpc-request (eglot-current-server) :textDocument/hover
                                 (eglot--TextDocumentPositionParams)))
         (contents (plist-get hover :contents))
         (text (if (stringp contents) contents (or (plist-get contents :value) (format "%S" contents)))))
    ;; The card names him, gives the role he held on the article's date, and counts him.
    (e2e-check (and (string-match-p "Dmitry Rogozin" text)
                    (string-match-p "\\*\\*On [^*]*2018:\\*\\* Director General" text)
                    (string-match-p "mentions" text))
               (format "a hover on the mention is the entity card: %s"
                       (replace-regexp-in-string "\n" " " (substring text 0 (min 160 (length text)))))))
  (let ((inhibit-message t)) (eglot-shutdown (eglot-current-server)))
  (message "all checks passed")
  (kill-emacs 0))
;;; emacs_e2e.el ends here
