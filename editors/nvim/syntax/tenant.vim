" Vim syntax file for tenantc's configuration language (.tenant files).

if exists('b:current_syntax')
  finish
endif

" Every keyword of the lexer (TokenKind.keywords), in this one group: a test reads it and
" fails when a keyword is missing.
syn keyword tenantKeyword tier tenant extends locked check warn else env scale by true false unlimited super for in if then implies import

" After `.` a keyword is a field name (`tenant.tier`), not a keyword.
syn match tenantMember /\.\h\w*/ contains=NONE

" The name a declaration introduces: `tier premium`, `tenant acme`, `extends standard`, `env staging`.
syn match tenantDeclaredName /\%(\<\%(tier\|tenant\|extends\|env\)\s\+\)\@<=\h[[:alnum:]_-]*/

" Type names are ordinary identifiers: highlighted only where a type is read, after `:` or `|`.
syn match tenantType /\%([:|]\s*\[\=\s*\)\@<=\<\%(bool\|int\|float\|string\|size\|duration\|cpu\|percent\|cron\|cidr\|email\|secret\|any\)\>/

" A call: a name with its `(` right after it (`sum(…)`, `secret("…")`).
syn match tenantFunction /\<\h\w*\ze(/

" Numbers, with the unit written right after them: 512MiB, 30d, 0.25cores, 40%, 1_000, 1e-3.
syn match tenantNumber /\<\d[0-9_]*\%(\.\d[0-9_]*\)\=\%([eE][+-]\=\d\+\)\=\%(%\|\%(B\|KB\|MB\|GB\|TB\|PB\|KiB\|MiB\|GiB\|TiB\|PiB\|ms\|s\|m\|h\|d\|w\|y\|cores\|core\)\>\)\=/

" Strings: one line, or `"""` to `"""`; both take escapes and `${…}` interpolations.
syn match tenantEscape /\\\%(["\\ntr$]\|u{\x\{1,8}}\)/ contained
syn region tenantInterpolation matchgroup=tenantInterpolationDelimiter start=/\${/ end=/}/ contained contains=TOP
syn region tenantString start=/"/ skip=/\\\\\|\\"/ end=/"/ oneline contains=tenantEscape,tenantInterpolation
syn region tenantMultilineString start=/"""/ skip=/\\\\\|\\"/ end=/"""/ contains=tenantEscape,tenantInterpolation

" Comments: `//` to the end of the line, `///` doc comments (but `////` is plain), and
" `/* … */`, which nest.
syn keyword tenantTodo TODO FIXME XXX NOTE contained
syn match tenantComment +//.*$+ contains=tenantTodo,@Spell
syn match tenantDocComment +///\%(/\)\@!.*$+ contains=tenantTodo,@Spell
syn region tenantBlockComment start=+/\*+ end=+\*/+ contains=tenantBlockComment,tenantTodo,@Spell

" Block comments and multi-line strings span lines: find where they start from the top of the
" file (configuration files are short), not from a guess a few lines up.
syn sync fromstart

hi def link tenantKeyword Keyword
hi def link tenantDeclaredName Identifier
hi def link tenantType Type
hi def link tenantFunction Function
hi def link tenantNumber Number
hi def link tenantString String
hi def link tenantMultilineString String
hi def link tenantEscape SpecialChar
hi def link tenantInterpolationDelimiter Delimiter
hi def link tenantTodo Todo
hi def link tenantComment Comment
hi def link tenantDocComment SpecialComment
hi def link tenantBlockComment Comment

let b:current_syntax = 'tenant'
