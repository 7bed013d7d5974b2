;;; lsp-session.el --- An Emacs session against `tenantc lsp' through eglot  -*- lexical-binding: t; -*-

;; Set up as editors/emacs says (tenant-mode, `eglot-ensure' on its hook): opens a `.tenant'
;; file, waits for its diagnostics in Flymake, asks for a hover and for definitions (xref, as
;; M-. does), jumps to the first definition, and writes what it saw as JSON.  The test that
;; runs it (EditorTests.swift) says what to do through the environment, as for
;; lsp_session.lua: TENANTC_EDITOR_FILE, TENANTC_EDITOR_HOVER, TENANTC_EDITOR_DEFINITIONS,
;; TENANTC_EDITOR_RESULT, TENANTC_EDITOR_TIMEOUT.
;;
;; Every wait is on a condition with the session's deadline; past it, or on any error, the
;; session says why on stderr and exits with status 1.

;;; Code:

;; As a normal start does, and -Q does not: makes installed packages (eglot) loadable.
;(package-initialize)

(require 'tenant-mode)
(require 'eglot)
(require 'flymake)
(require 'xref)
(require 'json)

(defvar lsp-session-deadline
  (+ (float-time) (string-to-number (or (getenv "TENANTC_EDITOR_TIMEOUT") "60"))))

(defun lsp-session-fail (format-string &rest args)
  "Say why the session failed, and exit with status 1."
  (message "lsp-session: %s" (apply #'format format-string args))
  (kill-emacs 1))

(defun lsp-session-remaining ()
  "Seconds left before the deadline."
  (max 0.1 (- lsp-session-deadline (float-time))))

(defun lsp-session-wait (what condition)
  "Wait until CONDITION returns non-nil, reading the server's output; fail naming WHAT."
  (while (not (funcall condition))
    (when (> (float-time) lsp-session-deadline)
      (lsp-session-fail "timed out waiting for %s" what))
    (accept-process-output nil 0.05)))

(defun lsp-session-goto (text)
  "Move point to TEXT, `line:character' (0-based)."
  (unless (string-match "\\`\\([0-9]+\\):\\([0-9]+\\)\\'" text)
    (lsp-session-fail "bad position `%s'" text))
  (goto-char (point-min))
  (forward-line (string-to-number (match-string 1 text)))
  (forward-char (string-to-number (match-string 2 text))))

(defun lsp-session-diagnostics ()
  "The buffer's Flymake diagnostics as eglot shows them: text and 0-based line."
  (mapcar (lambda (d)
            `((text . ,(flymake-diagnostic-text d))
              (line . ,(1- (line-number-at-pos (flymake-diagnostic-beg d))))
              (type . ,(symbol-name (flymake-diagnostic-type d)))))
          (flymake-diagnostics)))

(defun lsp-session-hover ()
  "The markup of the server's hover at point."
  (let* ((answer (jsonrpc-request (eglot--current-server-or-lose) :textDocument/hover
                                  (eglot--TextDocumentPositionParams)
                                  :timeout (lsp-session-remaining)))
         (contents (plist-get answer :contents)))
    (cond ((null answer) nil)
          ((stringp contents) contents)
          (t (or (plist-get contents :value) (format "%S" contents))))))

(defun lsp-session-definitions ()
  "The definitions xref finds at point, as M-. would, as file and 0-based line."
  (let ((identifier (xref-backend-identifier-at-point 'eglot)))
    (vconcat
     (mapcar (lambda (item)
               (let ((location (xref-item-location item)))
                 `((file . ,(xref-location-group location))
                   (line . ,(1- (xref-location-line location))))))
             (xref-backend-definitions 'eglot identifier)))))

(defun lsp-session-positions ()
  "The positions of TENANTC_EDITOR_DEFINITIONS."
  (split-string (getenv "TENANTC_EDITOR_DEFINITIONS") "," t))

(defun lsp-session-run ()
  "The session; returns what it saw, as an alist."
  (add-hook 'tenant-mode-hook #'eglot-ensure)
  (find-file (getenv "TENANTC_EDITOR_FILE"))
  (let ((buffer (current-buffer))
        (result `((mode . ,(symbol-name major-mode))
                  (comment_start . ,comment-start)
                  (indent_offset . ,tenant-indent-offset))))
    ;; `eglot-ensure' connects after the command that opened the file; batch Emacs runs no
    ;; command loop, so end that command here.
    (run-hooks 'post-command-hook)
    (lsp-session-wait "eglot to manage the buffer"
                      (lambda () (and (eglot-current-server) eglot--managed-mode)))
    (let ((server (eglot-current-server)))
      (push `(root . ,(expand-file-name (project-root (eglot--project server)))) result)
      ;; Flymake starts its backends after a command too (or on an idle timer).
      (flymake-start nil t)
      (lsp-session-wait "diagnostics"
                        (lambda ()
                          (unless (jsonrpc-running-p server)
                            (lsp-session-fail "the server exited"))
                          (flymake-diagnostics)))
      (push `(diagnostics . ,(vconcat (lsp-session-diagnostics))) result)
      (lsp-session-goto (getenv "TENANTC_EDITOR_HOVER"))
      (push `(hover . ,(lsp-session-hover)) result)
      (push `(definitions . ,(vconcat (mapcar (lambda (p) (lsp-session-goto p) (lsp-session-definitions))
                                              (lsp-session-positions))))
            result)
      ;; M-.: jumps to the first definition; the file it opens joins the same server.
      (lsp-session-goto (car (lsp-session-positions)))
      (xref-find-definitions (xref-backend-identifier-at-point 'eglot))
      (lsp-session-wait "the jump to the definition" (lambda () (not (eq (current-buffer) buffer))))
      (lsp-session-wait "eglot to manage the definition's file"
                        (lambda () (and eglot--managed-mode (eglot-current-server))))
      (push `(jump . ((file . ,buffer-file-name)
                      (line . ,(1- (line-number-at-pos)))
                      (mode . ,(symbol-name major-mode))
                      (same_server . ,(if (eq (eglot-current-server) server) t :json-false))))
            result)
      (ignore-errors (eglot-shutdown server nil (lsp-session-remaining))))
    result))

(condition-case err
    (let ((result (lsp-session-run)))
      (with-temp-file (getenv "TENANTC_EDITOR_RESULT")
        (insert (json-encode result)))
      (kill-emacs 0))
  (error (lsp-session-fail "%s" (error-message-string err))))

;;; lsp-session.el ends here
