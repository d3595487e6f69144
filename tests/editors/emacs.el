;; Emacs in batch with eglot and annals as its language server, set up as README shows
;; (tests/editors/emacs.sh loads README's block first): open a decision with a bad tag, wait
;; for annals' diagnostic through flymake, then ask for completion inside `tags:`.
;; markdown-mode is a package of its own: a stand-in where it is not installed.
(unless (fboundp 'markdown-mode)
  (define-derived-mode markdown-mode text-mode "Markdown")
  (add-to-list 'auto-mode-alist '("\\.md\\'" . markdown-mode)))

(let* ((root (getenv "HANDBOOK"))
       (file (expand-file-name "decisions/0002-use-postgres-for-the-event-store.md" root))
       (default-directory (file-name-as-directory root)))
  (find-file file)
  ;; eglot-ensure connects after the next command; batch Emacs runs none.
  (run-hooks 'post-command-hook)
  (let ((deadline (+ (float-time) 30)) found)
    (while (and (not (eglot-current-server)) (< (float-time) deadline))
      (accept-process-output nil 0.1))
    (unless (eglot-current-server) (princ "emacs: FAILED: eglot did not connect\n") (kill-emacs 1))
    (while (and (not found) (< (float-time) deadline))
      (accept-process-output nil 0.1)
      ;; Batch Emacs runs no idle timers: start flymake's check by hand.
      (flymake-start)
      (dolist (d (flymake-diagnostics))
        (when (string-match-p "storgae" (flymake-diagnostic-text d)) (setq found d))))
    (unless found (princ "emacs: FAILED: no diagnostic for storgae\n") (kill-emacs 1))
    (princ (format "emacs: diagnostic: %s\n" (car (split-string (flymake-diagnostic-text found) "\n")))))
  (let* ((server (eglot-current-server))
         (items (jsonrpc-request server :textDocument/completion
                                 (list :textDocument (list :uri (eglot--path-to-uri file))
                                       :position (list :line 5 :character 7))))
         (labels (mapcar (lambda (i) (plist-get i :label)) (append (plist-get items :items) nil))))
    (unless (and (member "storage" labels) (member "api" labels))
      (princ "emacs: FAILED: completion did not offer the tags\n") (kill-emacs 1))
    (princ "emacs: completion in tags: offers storage and api\n"))
  (kill-emacs 0))
