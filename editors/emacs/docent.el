;;; docent.el --- docent's language server for Python, through Eglot  -*- lexical-binding: t; -*-

;; Version: 0.1.0
;; Package-Requires: ((emacs "26.1") (eglot "1.9"))
;; Keywords: languages, tools, python

;;; Commentary:

;; Registers docent (complexity metrics and docstrings for Python) in
;; `eglot-server-programs' for `python-mode' and `python-ts-mode'.  The
;; settings in the customization group `docent' (the names of
;; docs/configuration.md) are sent to the server as initializationOptions and
;; as the `docent' section of the workspace configuration; a `:docent' section
;; of `eglot-workspace-configuration' (in .dir-locals.el) overrides them key by
;; key for a project.
;;
;;   (require 'docent)
;;   (add-hook 'python-mode-hook #'eglot-ensure)
;;
;; See docs/editors.md.

;;; Code:

(require 'cl-lib)
(require 'eglot)
(require 'jsonrpc)

(defgroup docent nil
  "docent's language server: complexity metrics and docstrings for Python."
  :group 'eglot
  :prefix "docent-")

(defcustom docent-command '("docent" "--stdio")
  "The command that starts docent's language server, as a list of strings."
  :type '(repeat string))

(defcustom docent-major-modes '(python-mode python-ts-mode)
  "The major modes whose buffers docent serves."
  :type '(repeat symbol))

;; Every setting is nil by default: not sent, so `pyproject.toml' or docent's
;; default applies.

(defcustom docent-max-complexity nil
  "C901: mccabe complexity above this is reported (docent's default 10)."
  :type '(choice (const :tag "Not set" nil) natnum))

(defcustom docent-max-cognitive-complexity nil
  "CCR001: cognitive complexity above this is reported (default 15)."
  :type '(choice (const :tag "Not set" nil) natnum))

(defcustom docent-max-nesting-depth nil
  "DCT201: control-flow nesting deeper than this is reported (default 4)."
  :type '(choice (const :tag "Not set" nil) natnum))

(defcustom docent-max-function-length nil
  "DCT202: a function's SLOC above this is reported (default 60)."
  :type '(choice (const :tag "Not set" nil) natnum))

(defcustom docent-max-parameters nil
  "DCT203: parameters (without self/cls) above this are reported (default 5)."
  :type '(choice (const :tag "Not set" nil) natnum))

(defcustom docent-min-maintainability-rank nil
  "DCT204: a module whose maintainability rank is worse than this (default B)."
  :type '(choice (const :tag "Not set" nil)
                 (const "A") (const "B") (const "C")))

(defcustom docent-select nil
  "Report only the codes with these prefixes, e.g. (\"C901\" \"CCR\"); nil: all."
  :type '(repeat string))

(defcustom docent-ignore nil
  "Never report the codes with these prefixes; wins over `docent-select'."
  :type '(repeat string))

(defcustom docent-exclude nil
  "Skip files and folders whose path or name matches one of these fnmatch patterns."
  :type '(repeat string))

(defcustom docent-severity nil
  "Severity per code, e.g. ((\"C901\" . \"error\"))."
  :type '(alist :key-type string
                :value-type (choice (const "error") (const "warning")
                                    (const "information") (const "hint"))))

(defcustom docent-docstring-style nil
  "Style of the docstrings docent writes (default google)."
  :type '(choice (const :tag "Not set" nil)
                 (const "google") (const "numpy") (const "sphinx")
                 (const "epytext") (const "pep257")))

(defcustom docent-docstring-types nil
  "Whether docstrings get types: nil not set (default yes), t yes, `no' no."
  :type '(choice (const :tag "Not set" nil) (const :tag "Yes" t) (const :tag "No" no)))

(defcustom docent-docstring-quote nil
  "The quotes of the docstrings docent writes (default \"\"\")."
  :type '(choice (const :tag "Not set" nil) (const "\"\"\"") (const "'''")))

(defcustom docent-docstring-line-width nil
  "Wrap docstring lines at this column (default 88)."
  :type '(choice (const :tag "Not set" nil) natnum))

(defcustom docent-docstring-init-in-class nil
  "Document __init__'s parameters in the class docstring.
nil: not set (docent's default, no); t: yes; `no': no."
  :type '(choice (const :tag "Not set" nil) (const :tag "Yes" t) (const :tag "No" no)))

(defcustom docent-docstring-template nil
  "Absolute path of a mustache template to write docstrings from, or nil."
  :type '(choice (const :tag "Not set" nil) file))

(defcustom docent-debounce-ms nil
  "Delay in milliseconds between the last edit and the diagnostics (default 0)."
  :type '(choice (const :tag "Not set" nil) natnum))

(defcustom docent-code-lens nil
  "Code lenses with each definition's complexity: nil not set (no), t, `no'."
  :type '(choice (const :tag "Not set" nil) (const :tag "Yes" t) (const :tag "No" no)))

(defcustom docent-extra-settings nil
  "Further settings as a plist of docent's names, e.g. (:max-complexity 12).
They win over the variables above."
  :type 'plist)

(defconst docent--settings
  '((:max-complexity docent-max-complexity)
    (:max-cognitive-complexity docent-max-cognitive-complexity)
    (:max-nesting-depth docent-max-nesting-depth)
    (:max-function-length docent-max-function-length)
    (:max-parameters docent-max-parameters)
    (:min-maintainability-rank docent-min-maintainability-rank)
    (:select docent-select list)
    (:ignore docent-ignore list)
    (:exclude docent-exclude list)
    (:severity docent-severity table)
    (:docstring-style docent-docstring-style)
    (:docstring-types docent-docstring-types boolean)
    (:docstring-quote docent-docstring-quote)
    (:docstring-line-width docent-docstring-line-width)
    (:docstring-init-in-class docent-docstring-init-in-class boolean)
    (:docstring-template docent-docstring-template)
    (:debounce-ms docent-debounce-ms)
    (:code-lens docent-code-lens boolean))
  "docent's settings: (KEY VARIABLE [TYPE]) with the JSON encoding of TYPE.")

(defun docent--encode (value type)
  "VALUE of a setting of TYPE as Eglot encodes JSON."
  (pcase type
    ('list (vconcat value))
    ('table (cl-loop for (code . level) in value
                     append (list (intern (concat ":" code)) level)))
    ('boolean (if (eq value 'no) :json-false t))
    (_ value)))

(defun docent--plist-merge (base over)
  "The plist BASE with the keys of the plist OVER set to OVER's values."
  (let ((merged (copy-sequence base)))
    (cl-loop for (key value) on over by #'cddr
             do (setq merged (plist-put merged key value)))
    merged))

(defun docent-settings ()
  "docent's settings from the customization group `docent', as a plist."
  (let (settings)
    (pcase-dolist (`(,key ,variable ,type) docent--settings)
      (let ((value (symbol-value variable)))
        (when value
          (setq settings (plist-put settings key (docent--encode value type))))))
    (docent--plist-merge settings docent-extra-settings)))

(defclass docent-eglot-server (eglot-lsp-server) ()
  "Eglot's connection to docent.")

(defun docent--project-settings (server)
  "The `:docent' section of SERVER's `eglot-workspace-configuration', if any."
  (let ((default-directory (project-root (eglot--project server))))
    (with-temp-buffer
      (setq default-directory (file-name-as-directory default-directory))
      (setq-local major-mode (car (eglot--major-modes server)))
      (hack-dir-local-variables-non-file-buffer)
      (plist-get (eglot--workspace-configuration-plist server) :docent))))

(defun docent--server-settings (server)
  "The settings to send SERVER: the customized ones, then the project's."
  (or (docent--plist-merge (docent-settings) (docent--project-settings server))
      eglot--{}))

(cl-defmethod eglot-handle-request
  ((server docent-eglot-server) (_method (eql workspace/configuration)) &key items)
  "Answer SERVER's request for the `docent' section with the merged settings."
  (let ((answers (cl-call-next-method)))
    (apply #'vector
           (cl-loop for item across items
                    for answer across answers
                    collect (if (equal (plist-get item :section) "docent")
                                (docent--server-settings server)
                              answer)))))

(cl-defmethod jsonrpc-connection-send :around
  ((server docent-eglot-server) &rest args &key method &allow-other-keys)
  "Send SERVER the merged settings whenever the workspace configuration changes."
  (if (memq method '(:workspace/didChangeConfiguration workspace/didChangeConfiguration))
      (apply #'cl-call-next-method server
             (plist-put (copy-sequence args) :params
                        (list :settings (docent--server-settings server))))
    (apply #'cl-call-next-method server args)))

(defun docent-reconfigure ()
  "Send the current settings to every docent server (after customizing them)."
  (interactive)
  (dolist (server (cl-loop for servers being the hash-values of eglot--servers-by-project
                           append servers))
    (when (object-of-class-p server 'docent-eglot-server)
      (eglot-signal-didChangeConfiguration server))))

(defun docent-eglot-contact (&optional _interactive)
  "The Eglot contact for docent: its class, `docent-command' and its settings."
  `(docent-eglot-server ,@docent-command
                        :initializationOptions docent--server-settings))

;;;###autoload
(defun docent-register ()
  "Register docent in `eglot-server-programs' for `docent-major-modes'."
  (setq eglot-server-programs
        (cons (cons docent-major-modes #'docent-eglot-contact)
              (cl-remove #'docent-eglot-contact eglot-server-programs :key #'cdr))))

(docent-register)

(provide 'docent)
;;; docent.el ends here
