;;; reindent.el --- Re-indents the files named after it with tenant-mode, and saves them  -*- lexical-binding: t; -*-
;; emacs --batch -Q -L editors/emacs -l reindent.el FILE…; exit status 1 on any error.
(require 'tenant-mode)
(condition-case err
    (progn
      (dolist (file command-line-args-left)
        (with-current-buffer (find-file-noselect file)
          (unless (eq major-mode 'tenant-mode)
            (error "%s: major mode %s, not tenant-mode" file major-mode))
          (indent-region (point-min) (point-max))
          (save-buffer)))
      (setq command-line-args-left nil))
  (error (message "reindent: %s" (error-message-string err))
         (kill-emacs 1)))
