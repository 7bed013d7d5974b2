;;; tenant-mode.el --- Major mode for tenantc's .tenant configuration files  -*- lexical-binding: t; -*-

;; Keywords: languages
;; Package-Requires: ((emacs "28.1"))

;;; Commentary:

;; Highlighting, comments and indentation for `.tenant' files, and `tenantc lsp' registered
;; with eglot (diagnostics through Flymake, hover through ElDoc, definitions through xref):
;;
;;   (add-to-list 'load-path "/path/to/tenantc/editors/emacs")
;;   (require 'tenant-mode)
;;   (add-hook 'tenant-mode-hook #'eglot-ensure)

;;; Code:

(require 'project)

(defgroup tenant nil
  "Editing tenantc's .tenant files."
  :group 'languages
  :prefix "tenant-")

(defcustom tenant-indent-offset 2
  "Columns of one indentation level, as `tenantc fmt' indents."
  :type 'integer
  :safe #'integerp)

(defcustom tenant-lsp-command '("tenantc" "lsp")
  "The language server's command line: the program, then its arguments."
  :type '(repeat string))

(defconst tenant-mode-keywords
  '("tier" "tenant" "extends" "locked" "check" "warn" "else" "env" "scale" "by"
    "true" "false" "unlimited" "super" "for" "in" "if" "then" "implies" "import")
  "Every keyword of the lexer (TokenKind.keywords).
A test fails when one is missing.")

(defconst tenant-mode-types
  '("bool" "int" "float" "string" "size" "duration" "cpu" "percent" "cron" "cidr" "email"
    "secret" "any")
  "Type names: ordinary identifiers, read as types after `:'.")

(defconst tenant-mode-units
  '("B" "KB" "MB" "GB" "TB" "PB" "KiB" "MiB" "GiB" "TiB" "PiB"
    "ms" "s" "m" "h" "d" "w" "y" "core" "cores")
  "Units written right after a number (and `%').")

(defvar tenant-mode-syntax-table
  (let ((table (make-syntax-table)))
    ;; `//' to the end of the line; `/* */', which nests.
    (modify-syntax-entry ?/ ". 124" table)
    (modify-syntax-entry ?* ". 23n" table)
    (modify-syntax-entry ?\n ">" table)
    (modify-syntax-entry ?\" "\"" table)
    (modify-syntax-entry ?\\ "\\" table)
    (modify-syntax-entry ?_ "_" table)
    (dolist (char '(?+ ?- ?= ?< ?> ?! ?& ?| ?? ?: ?% ?$ ?. ?, ?\;))
      (modify-syntax-entry char "." table))
    table)
  "Syntax table of `tenant-mode'.")

;;; Multi-line strings

(defun tenant--syntax-propertize (start end)
  "Mark the `\"\"\"' delimiters of multi-line strings between START and END.
The first quote of an opening `\"\"\"' and the last of a closing one become string
fences, so that single `\"' inside the string do not end it."
  (goto-char start)
  (while (re-search-forward "\"\"\"" end t)
    (let* ((begin (match-beginning 0))
           (state (save-excursion (syntax-ppss begin))))
      (cond
       ((eq (nth 3 state) t)
        (put-text-property (1- (point)) (point) 'syntax-table (string-to-syntax "|")))
       ((not (nth 8 state))
        (put-text-property begin (1+ begin) 'syntax-table (string-to-syntax "|"))
        (goto-char (1+ begin)))))))

;;; Highlighting

(defun tenant--syntactic-face (state)
  "The face of the string or comment STATE is in: `///' lines are doc comments."
  (cond ((nth 3 state) 'font-lock-string-face)
        ((save-excursion
           (goto-char (nth 8 state))
           (looking-at "///\\(?:[^/]\\|$\\)"))
         'font-lock-doc-face)
        (t 'font-lock-comment-face)))

(defun tenant--match-interpolation (limit)
  "Find the next `${…}' inside a string before LIMIT."
  (let (found)
    (while (and (not found) (re-search-forward "\\${[^}\n]*}" limit t))
      (setq found (nth 3 (save-excursion (syntax-ppss (match-beginning 0))))))
    found))

(defconst tenant--number-regexp
  (concat "\\_<[0-9][0-9_]*\\(?:\\.[0-9][0-9_]*\\)?\\(?:[eE][+-]?[0-9]+\\)?"
          "\\(?:%\\|" (regexp-opt tenant-mode-units) "\\_>\\)?")
  "A number, with the unit written right after it: 512MiB, 30d, 0.25cores, 40%.")

(defconst tenant-font-lock-keywords
  `(;; After `.' a keyword is a field name (`tenant.tier').
    (,(concat "\\(?:^\\|[^.]\\)" (regexp-opt tenant-mode-keywords 'symbols))
     1 font-lock-keyword-face)
    ("\\_<\\(?:tier\\|tenant\\|extends\\|env\\)\\s-+\\([[:alpha:]_][[:alnum:]_-]*\\)"
     1 font-lock-function-name-face)
    (,(concat "[:|]\\s-*\\[?\\s-*" (regexp-opt tenant-mode-types 'symbols))
     1 font-lock-type-face)
    ("\\_<\\([[:alpha:]_][[:alnum:]_]*\\)(" 1 font-lock-builtin-face)
    (,tenant--number-regexp . font-lock-constant-face)
    (tenant--match-interpolation 0 font-lock-variable-name-face t))
  "Highlighting in `tenant-mode' beyond strings and comments.")

;;; Indentation

(defconst tenant--continuing-start
  (concat "\\(?:\\(?:else\\|then\\|implies\\|in\\|for\\|if\\)\\_>"
          "\\|&&\\|||\\|[=!<>]=\\|[-+*<>|]\\|/[^/*]\\)")
  "What starts a line that continues the statement before it.")

(defconst tenant--continued-end
  (concat "\\(?:\\_<\\(?:else\\|then\\|implies\\|in\\)\\|&&\\|||\\|[-+<>|]\\|[=!<>]="
          "\\|[^.]\\*\\|/\\)")
  "What ends a line whose statement goes on on the next line.")

(defun tenant--previous-code-end ()
  "The text before the end of the code above the current line (comments skipped)."
  (save-excursion
    (beginning-of-line)
    (forward-comment (- (point)))
    (buffer-substring-no-properties (line-beginning-position) (point))))

(defun tenant--continuation-p ()
  "Whether the current line continues the statement before it.
As Grammar.md says (\"Statement separation\"): it starts with a binary
operator, `else', `then', `for' or `if' (unless it is a new item, after `,'
or an opening bracket), or it follows a line ending with a binary operator,
or it is the value after a line ending with `='."
  (let ((before (tenant--previous-code-end)))
    (save-excursion
      (back-to-indentation)
      (cond
       ((looking-at tenant--continuing-start)
        ;; A keyword followed by `=', `.', `:' or `{' is a field name starting a statement.
        (not (or (looking-at "[[:alpha:]_][[:alnum:]_]*\\s-*[=.:{]")
                 (string-match-p "[,[({]\\'" before))))
       ((string-match-p "\\(?:\\`\\|[^=!<>]\\)=\\'" before)
        (not (looking-at "[[:alpha:]_]")))
       (t (string-match-p (concat tenant--continued-end "\\'") before))))))

(defun tenant--indentation ()
  "The column of the current line.
Nil inside a multi-line string or a block comment: the author's text,
left as it is."
  (save-excursion
    (let ((state (syntax-ppss (line-beginning-position))))
      (unless (nth 8 state)
        (back-to-indentation)
        (let* ((open (nth 1 state))
               (base (if open (save-excursion (goto-char open) (current-indentation)) 0)))
          (cond
           ((looking-at "[]})]") base)
           (t (+ (if open (+ base tenant-indent-offset) 0)
                 (if (tenant--continuation-p) tenant-indent-offset 0)))))))))

(defun tenant-indent-line ()
  "Indent the current line as `tenantc fmt' does.
`tenant-indent-offset' columns for each line holding a bracket open around
it, one level more for a continuation of a statement."
  (interactive)
  (let ((column (tenant--indentation)))
    (if (not column)
        'noindent
      (if (<= (current-column) (current-indentation))
          (indent-line-to column)
        (save-excursion (indent-line-to column))))))

;;; The mode

(defvar eglot-lsp-context)

;; Eglot's project, one server each: the nearest directory holding `tiers/', where tenantc
;; finds the tier table.  Other project commands keep the usual project (the repository).
(defun tenant--project (dir)
  "For eglot, the project of a file in DIR: the directory holding `tiers/'."
  (when (bound-and-true-p eglot-lsp-context)
    (let ((root (locate-dominating-file
                 dir (lambda (d) (file-directory-p (expand-file-name "tiers" d))))))
      (when root (cons 'transient (expand-file-name root))))))

;;;###autoload
(define-derived-mode tenant-mode prog-mode "Tenant"
  "Major mode for tenantc's `.tenant' configuration files."
  :syntax-table tenant-mode-syntax-table
  (setq-local comment-start "// ")
  (setq-local comment-end "")
  (setq-local comment-start-skip "\\(?://+\\|/\\*+\\)\\s-*")
  (setq-local indent-line-function #'tenant-indent-line)
  (setq-local indent-tabs-mode nil)
  (setq-local electric-indent-chars (append "}])" electric-indent-chars))
  (setq-local syntax-propertize-function #'tenant--syntax-propertize)
  (setq-local font-lock-defaults
              '(tenant-font-lock-keywords nil nil nil
                (font-lock-syntactic-face-function . tenant--syntactic-face)))
  (add-hook 'project-find-functions #'tenant--project nil t))

;;;###autoload
(add-to-list 'auto-mode-alist '("\\.tenant\\'" . tenant-mode))

(defvar eglot-server-programs)

(defun tenant--lsp-contact (&rest _)
  "The server eglot starts for `tenant-mode': `tenant-lsp-command'.
Eglot's arguments (whether it was asked interactively, ...) are not needed."
  tenant-lsp-command)

;; Now if eglot is loaded, else when it is: the entry is read when eglot starts a server, so
;; `tenant-lsp-command' may be set at any time.
;;;###autoload
(with-eval-after-load 'eglot
  (add-to-list 'eglot-server-programs '(tenant-mode . tenant--lsp-contact)))

(provide 'tenant-mode)

;;; tenant-mode.el ends here
