;;; emacs_test.el --- End-to-end test of docent in Emacs with Eglot  -*- lexical-binding: t; -*-

;; Run by tests/editors/run.sh as `emacs --batch --no-site-file -l emacs_test.el': editors/emacs/docent.el
;; registers the built server, `eglot-ensure' starts it for a copy of tests/editors/project,
;; and the test goes through Eglot and Flymake as a user would: diagnostics, hover (ElDoc),
;; the 'Insert docstring' code action through `eglot-code-actions', and the acceptance
;; reaching docent's learning statistics.  Prints one line per step and exits 0 when every
;; step passed (or was skipped as pending), 1 otherwise.
;;
;; Batch Emacs needs a few things done by hand: `package-initialize' to find Debian's
;; elpa-eglot, a post-command-hook run for `eglot-ensure', the buffer shown in a window for
;; Flymake, and idle timers fired explicitly, since batch Emacs is never idle.

;;; Code:

(require 'cl-lib)
(require 'subr-x)
(package-initialize)
(require 'eglot)
(require 'python)

(defun docent-test--env (name)
  "The environment variable NAME, which must be set."
  (or (getenv name) (error "%s is not set" name)))

(defconst docent-test-binary (docent-test--env "DOCENT_BINARY"))
(defconst docent-test-source-dir (file-name-as-directory (docent-test--env "DOCENT_SOURCE_DIR")))
(defconst docent-test-project (file-name-as-directory (docent-test--env "DOCENT_TEST_PROJECT")))
(defconst docent-test-log
  (or (getenv "DOCENT_TEST_LOG") (concat docent-test-project "docent.log")))

;; How long to wait for any one thing the server or the editor does before failing.  A bound
;; against hanging, not a timing assertion: each wait ends as soon as its condition holds.
(defconst docent-test-wait-seconds
  (string-to-number (or (getenv "DOCENT_TEST_WAIT_SECONDS") "60")))
(defconst docent-test-function "apply_discount")
(defconst docent-test-action-title
  (format "Insert a NumPy-style docstring for '%s'" docent-test-function))

(defvar docent-test--counts (list :passed 0 :failed 0 :skipped 0))

(defun docent-test--say (format-string &rest args)
  "Print FORMAT-STRING with ARGS as one line on standard output."
  (princ (concat (apply #'format format-string args) "\n")))

(defun docent-test--count (key)
  "Add one to the count KEY."
  (setq docent-test--counts
        (plist-put docent-test--counts key (1+ (plist-get docent-test--counts key)))))

(defun docent-test--finish ()
  "Print the counts, stop the servers and exit with the test's status."
  (docent-test--say "%d passed, %d failed, %d skipped"
                    (plist-get docent-test--counts :passed)
                    (plist-get docent-test--counts :failed)
                    (plist-get docent-test--counts :skipped))
  (ignore-errors
    (let ((server (with-current-buffer (docent-test--buffer) (eglot-current-server))))
      (when server (eglot-shutdown server))))
  (kill-emacs (if (zerop (plist-get docent-test--counts :failed)) 0 1)))

(define-error 'docent-test-skip "Pending")

(defmacro docent-test-step (name &rest body)
  "Run BODY as the step NAME; the first failure ends the test."
  (declare (indent 1))
  `(condition-case err
       (progn ,@body
              (docent-test--count :passed)
              (docent-test--say "ok - %s" ,name))
     (docent-test-skip
      (docent-test--count :skipped)
      (docent-test--say "skip - %s (pending: %s)" ,name (cadr err)))
     (error
      (docent-test--count :failed)
      (docent-test--say "not ok - %s\n%s" ,name (error-message-string err))
      (docent-test--finish))))

(defun docent-test--fire-idle-timers ()
  "Run the idle timers that are due, as an idle interactive Emacs would."
  (dolist (timer (copy-sequence timer-idle-list))
    (when (memq timer timer-idle-list)
      (timer-event-handler timer))))

(defun docent-test--pump ()
  "Let the server's messages in and the editor's timers run, once."
  (accept-process-output nil 0.02)
  (docent-test--fire-idle-timers))

(defun docent-test--wait (what condition &optional explain)
  "Pump until CONDITION returns non-nil; fail naming WHAT (and EXPLAIN's text) if it never does."
  (let ((deadline (+ (float-time) docent-test-wait-seconds))
        result)
    (while (and (not (setq result (funcall condition)))
                (< (float-time) deadline))
      (docent-test--pump))
    (or result
        (error "Gave up waiting for %s%s" what
               (if explain (concat "\n" (funcall explain)) "")))))

(defun docent-test--check (condition format-string &rest args)
  "Fail with FORMAT-STRING and ARGS unless CONDITION."
  (unless condition (error "%s" (apply #'format format-string args))))

(defun docent-test--file-text (path)
  "The contents of PATH."
  (with-temp-buffer
    (insert-file-contents path)
    (buffer-string)))

(defvar docent-test--file (concat docent-test-project "shop/pricing.py"))

(defun docent-test--buffer ()
  "The buffer of the file under test."
  (or (find-buffer-visiting docent-test--file) (error "The file is not open")))

(defun docent-test--diagnostics ()
  "docent's Flymake diagnostics in the buffer, as an alist (CODE . DIAGNOSTIC)."
  (with-current-buffer (docent-test--buffer)
    (cl-loop for diagnostic in (flymake-diagnostics)
             for lsp = (cdr (assoc 'eglot-lsp-diag (flymake-diagnostic-data diagnostic)))
             when (and lsp (equal (plist-get lsp :source) "docent"))
             collect (cons (plist-get lsp :code) diagnostic))))

(defun docent-test--describe-diagnostics ()
  "The diagnostics in the buffer, for a failure message."
  (format "diagnostics: %S"
          (mapcar (lambda (entry) (cons (car entry) (flymake-diagnostic-text (cdr entry))))
                  (docent-test--diagnostics))))

(defun docent-test--accepted-docstrings (node in-docstring)
  "The largest count of accepted docstring suggestions in NODE, a docent.learning.stats result.
An `accepted' number under a `docstring' key or in an object of kind `docstring', or events
of that kind with outcome `accepted'.  Only the feedback's existence is asserted, not the
result's layout.  IN-DOCSTRING is non-nil below a docstring key or object."
  (cond
   ((vectorp node)
    (cl-loop for child across node
             maximize (docent-test--accepted-docstrings child in-docstring)))
   ((and (consp node) (keywordp (car node)))
    (let* ((in (or in-docstring (equal (plist-get node :kind) "docstring")))
           (best (cond ((and in (numberp (plist-get node :accepted)))
                        (plist-get node :accepted))
                       ((and in (equal (plist-get node :outcome) "accepted")) 1)
                       (t 0))))
      (cl-loop for (key value) on node by #'cddr
               do (setq best (max best (docent-test--accepted-docstrings
                                        value (or in (eq key :docstring))))))
      best))
   (t 0)))

(run-at-time (* 4 docent-test-wait-seconds) nil
             (lambda ()
               (docent-test--say "not ok - the whole test took longer than %d s"
                                 (* 4 docent-test-wait-seconds))
               (kill-emacs 2)))

(let ((server nil)
      (chosen nil))

  (docent-test-step "docent starts for a Python buffer through eglot-ensure, with the settings"
    (add-to-list 'load-path (concat docent-test-source-dir "editors/emacs"))
    (require 'docent)
    (setq docent-command (list docent-test-binary "--stdio" "--log-file" docent-test-log)
          docent-max-complexity 3
          docent-docstring-style "numpy")
    (docent-test--check (eq (cdr (assoc '(python-mode python-ts-mode) eglot-server-programs))
                            #'docent-eglot-contact)
                        "docent is not registered for python-mode and python-ts-mode")
    (add-hook 'python-mode-hook #'eglot-ensure)
    (switch-to-buffer (find-file-noselect docent-test--file))
    (docent-test--check (eq major-mode 'python-mode) "the buffer is in %s" major-mode)
    (run-hooks 'post-command-hook) ; What `eglot-ensure' waits for.
    (docent-test--wait "the Eglot connection" (lambda () (eglot-current-server)))
    (setq server (eglot-current-server))
    (docent-test--check (object-of-class-p server 'docent-eglot-server) "the server is a %S"
                        (eieio-object-class server))
    (docent-test--wait "the server's capabilities"
                       (lambda () (eglot--server-capable :codeActionProvider))))

  (docent-test-step "another file of the project is managed by the same server"
    (let ((other (find-file-noselect (concat docent-test-project "shop/__init__.py"))))
      (with-current-buffer other
        (run-hooks 'post-command-hook)
        (docent-test--wait "Eglot in the second buffer" (lambda () (eglot-current-server)))
        (docent-test--check (eq (eglot-current-server) server) "a second server: %S"
                            (eglot-current-server)))
      (switch-to-buffer (docent-test--buffer))))

  (docent-test-step "diagnostics in Flymake: C901 with the customized max-complexity, and D103"
    (docent-test--wait "C901 and D103"
                       (lambda () (let ((found (docent-test--diagnostics)))
                                    (and (assoc "C901" found) (assoc "D103" found))))
                       #'docent-test--describe-diagnostics)
    (let* ((found (docent-test--diagnostics))
           (c901 (cdr (assoc "C901" found)))
           (d103 (cdr (assoc "D103" found))))
      (docent-test--check (string-match-p
                           (regexp-quote (format "'%s' is too complex (4 > 3)"
                                                 docent-test-function))
                           (flymake-diagnostic-text c901))
                          "C901 says %S" (flymake-diagnostic-text c901))
      (docent-test--check (= (line-number-at-pos (flymake-diagnostic-beg c901)) 4)
                          "C901 is on line %d"
                          (line-number-at-pos (flymake-diagnostic-beg c901)))
      (docent-test--check (string-match-p "Missing docstring in public function"
                                          (flymake-diagnostic-text d103))
                          "D103 says %S" (flymake-diagnostic-text d103))))

  (docent-test-step "hover (ElDoc) over the function's name shows its metrics"
    (goto-char (point-min))
    (search-forward (concat "def " docent-test-function))
    (backward-char 3)
    (let ((docs nil))
      ;; M-x eldoc, with a display function that keeps what ElDoc shows.
      (add-hook 'eldoc-display-functions
                (lambda (items &rest _)
                  (when items
                    (setq docs (mapconcat (lambda (item) (format "%s" (car item))) items "\n"))))
                nil t)
      (eldoc-print-current-symbol-info t)
      (docent-test--wait "the hover text" (lambda () docs))
      (let ((text (substring-no-properties docs)))
        (docent-test--check (string-match-p docent-test-function text)
                            "no function name in the hover:\n%s" text)
        (docent-test--check (string-match-p "cyclomatic[ |]*5 (A)" text)
                            "no 'cyclomatic 5 (A)' in the hover:\n%s" text)
        (docent-test--check (string-match-p "docstring[ |]*no" text)
                            "no 'docstring no' in the hover:\n%s" text))))

  (docent-test-step "'Insert docstring' through eglot-code-actions writes the docstring"
    (goto-char (point-min))
    (search-forward (concat "def " docent-test-function))
    (beginning-of-line)
    (let ((titles nil)
          ;; As when the command is run from the keyboard: the menu is read in the minibuffer.
          (last-nonmenu-event ?\r))
      (cl-letf (((symbol-function 'completing-read)
                 (lambda (_prompt collection &rest _)
                   (setq titles (mapcar #'car collection))
                   (setq chosen (cdr (assoc docent-test-action-title collection)))
                   (if chosen docent-test-action-title ""))))
        (call-interactively #'eglot-code-actions))
      (docent-test--check chosen "no %S among the actions: %S" docent-test-action-title titles)
      (docent-test--check (equal (plist-get chosen :kind) "quickfix")
                          "the action is a %S, not a quick fix for D103"
                          (plist-get chosen :kind))
      (let ((expected (docent-test--file-text
                       (concat docent-test-source-dir "tests/editors/expected/pricing.py"))))
        (docent-test--wait "the docstring in the buffer"
                           (lambda () (equal (buffer-string) expected))
                           (lambda () (concat "buffer:\n" (buffer-string)))))))

  (docent-test-step "docent sees the edit: D103 goes, C901 stays"
    (docent-test--wait "diagnostics without D103"
                       (lambda () (let ((found (docent-test--diagnostics)))
                                    (and (assoc "C901" found) (not (assoc "D103" found)))))
                       #'docent-test--describe-diagnostics))

  (docent-test-step "the acceptance reaches docent (docent.learning.stats)"
    (unless (seq-contains-p (or (eglot--server-capable :executeCommandProvider :commands) [])
                            "docent.learning.stats")
      (signal 'docent-test-skip '("the server does not offer docent.learning.stats yet")))
    (let (stats)
      (docent-test--wait "an accepted docstring in docent.learning.stats"
                         (lambda ()
                           (setq stats (jsonrpc-request server :workspace/executeCommand
                                                        '(:command "docent.learning.stats"
                                                          :arguments [])
                                                        :timeout docent-test-wait-seconds))
                           (>= (docent-test--accepted-docstrings stats nil) 1))
                         (lambda () (format "stats: %S" stats)))))

  (docent-test--finish))

;;; emacs_test.el ends here
