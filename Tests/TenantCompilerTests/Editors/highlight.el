;;; highlight.el --- Writes the face of every character of a .tenant file  -*- lexical-binding: t; -*-

;; The faces tenant-mode's font-lock gives TENANTC_EDITOR_FILE, as JSON: one list of face
;; names per line ("" for none; the first face where there are several).  Exit status 1 on
;; any error.

;;; Code:

(require 'tenant-mode)
(require 'json)

(defun highlight-face-name (position)
  "The name of the face at POSITION, \"\" for none."
  (let ((face (get-text-property position 'face)))
    (when (consp face) (setq face (car face)))
    (if (symbolp face) (symbol-name (or face '##)) "")))

(defun highlight-lines ()
  "The face names of the buffer, a vector of them for each line."
  (let (lines)
    (goto-char (point-min))
    (while (not (eobp))
      (let (names)
        (while (not (eolp))
          (push (highlight-face-name (point)) names)
          (forward-char))
        (push (vconcat (nreverse names)) lines))
      (forward-line))
    (vconcat (nreverse lines))))

(condition-case err
    (with-current-buffer (find-file-noselect (getenv "TENANTC_EDITOR_FILE"))
      (unless (eq major-mode 'tenant-mode)
        (error "major mode %s, not tenant-mode" major-mode))
      (font-lock-ensure)
      (let ((lines (highlight-lines)))
        (with-temp-file (getenv "TENANTC_EDITOR_RESULT")
          (insert (json-encode lines))))
      (kill-emacs 0))
  (error (message "highlight: %s" (error-message-string err))
         (kill-emacs 1)))

;;; highlight.el ends here
