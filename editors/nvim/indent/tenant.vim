" Indentation of .tenant files, as `tenantc fmt` lays them out: two spaces a level, a line one
" level in from the line its innermost open bracket is on, and a continuation of a statement
" (a line after an operator or `=`, or starting with one, `else` or `then`) one level more.

if exists('b:did_indent')
  finish
endif
let b:did_indent = 1

setlocal indentexpr=GetTenantIndent()
setlocal indentkeys=0{,0},0),0],!^F,o,O,e,=else,=then,=implies
setlocal nosmartindent nocindent autoindent

let b:undo_indent = 'setlocal indentexpr< indentkeys< smartindent< cindent< autoindent<'

if exists('*GetTenantIndent')
  finish
endif

" Whether the buffer has block comments or multi-line strings: only then are syntax items
" asked where a line's text alone cannot tell (asking for every bracket is slow).
let s:multiline = 0

function! s:SyntaxNames(lnum, col) abort
  return map(synstack(a:lnum, a:col), 'synIDattr(v:val, "name")')
endfunction

" `line` up to `col` (0-based, excluded) without escapes and closed single-line strings: an
" open string or a `//` comment there is what the position is in.
function! s:TextBefore(line, col) abort
  let text = substitute(strpart(a:line, 0, a:col), '\\.', '', 'g')
  return substitute(text, '"[^"]*"', '', 'g')
endfunction

" Brackets in strings and comments do not count.
function! s:InStringOrComment(lnum, col) abort
  if s:multiline
    let names = s:SyntaxNames(a:lnum, a:col)
    return !empty(filter(names, 'v:val =~# "^tenant\\%(String\\|MultilineString\\|Comment\\|DocComment\\|BlockComment\\)$"'))
  endif
  return s:TextBefore(getline(a:lnum), a:col - 1) =~# '"\|//'
endfunction

function! s:InStringOrCommentAtCursor() abort
  return s:InStringOrComment(line('.'), col('.'))
endfunction

" A line's code without its `//` comment (or a block comment ending it) and trailing spaces.
function! s:Code(lnum) abort
  let line = getline(a:lnum)
  let col = 0
  while 1
    let col = match(line, '//\|/\*', col)
    if col < 0 || s:TextBefore(line, col) !~# '"'
      break
    endif
    let col += 2
  endwhile
  let code = col < 0 ? line : strpart(line, 0, col)
  return substitute(code, '\s\+$', '', '')
endfunction

" The lines of a multi-line string are part of its value, and a block comment's lines after its
" first are the author's: both keep their indentation.
function! s:IsTextOfMultilineItem(lnum) abort
  let first = match(getline(a:lnum), '\S') + 1
  if !s:multiline || first == 0
    return 0
  endif
  let names = s:SyntaxNames(a:lnum, first)
  return index(names, 'tenantMultilineString') >= 0
        \ || (index(names, 'tenantBlockComment') >= 0 && getline(a:lnum) !~# '^\s*/\*')
endfunction

" The nearest line above with code on it (not blank, not only a comment, not inside a
" multi-line string or block comment), or 0.
function! s:PreviousCodeLine(lnum) abort
  let lnum = prevnonblank(a:lnum - 1)
  while lnum > 0 && (s:IsTextOfMultilineItem(lnum) || s:Code(lnum) =~# '^\s*$')
    let lnum = prevnonblank(lnum - 1)
  endwhile
  return lnum
endfunction

" A line that continues the statement before it (Grammar.md, "Statement separation"): one
" starting with a binary operator, `else`, `then`, `for` or `if` (unless it is a new item, after
" `,` or an opening bracket), one after a line ending with a binary operator, and the value
" after a line ending with `=` (unless the line starts a statement itself).
function! s:IsContinuation(lnum) abort
  let line = getline(a:lnum)
  let previous = s:PreviousCodeLine(a:lnum)
  let before = previous > 0 ? s:Code(previous) : ''
  if line =~# '^\s*\%(\%(else\|then\|implies\|in\|for\|if\)\>\|&&\|||\|[=!<>]=\|[-+*<>|]\|/[^/*]\)'
    " A keyword followed by `=`, `.`, `:` or `{` is a field name starting a statement.
    return line !~# '^\s*\h\w*\s*[=.:{]' && before !~# '[,[({]$'
  endif
  if before =~# '\%(^\|[^=!<>]\)=$'
    return line !~# '^\s*\h'
  endif
  return before =~# '\%(\<\%(else\|then\|implies\|in\)\|&&\|||\|[-+<>|]\|[=!<>]=\|[^.]\*\|/\)$'
endfunction

" The line of the opening bracket that the closing bracket at (lnum, col) closes, or 0.
function! s:OpeningLine(lnum, col) abort
  call cursor(a:lnum, a:col)
  return searchpairpos('[[{(]', '', '[]})]', 'bnW', function('s:InStringOrCommentAtCursor'))[0]
endfunction

" The brackets of a line's code that it leaves unmatched: how many it leaves open, and the
" column (1-based) of the last one it closes that it did not open (0 when none).
function! s:UnmatchedBrackets(lnum) abort
  let code = s:Code(a:lnum)
  " Blank out escapes and strings, keeping columns.
  let code = substitute(code, '\\.', '  ', 'g')
  let code = substitute(code, '"[^"]*\%("\|$\)', '\=repeat(" ", len(submatch(0)))', 'g')
  let open = 0
  let closer = 0
  for col in range(len(code))
    if code[col] =~# '[[{(]'
      let open += 1
    elseif code[col] =~# '[]})]'
      if open > 0
        let open -= 1
      else
        let closer = col + 1
      endif
    endif
  endfor
  return [open, closer]
endfunction

" The indentation of the statement that line `lnum` is part of: the line's own, less the
" continuation's level; for a line that starts by closing brackets, that of the line they
" were opened on.
function! s:StatementIndent(lnum) abort
  let first = match(getline(a:lnum), '\S') + 1
  if getline(a:lnum)[first - 1] =~# '[]})]'
    let open = s:OpeningLine(a:lnum, first)
    return open > 0 && open < a:lnum ? s:StatementIndent(open) : indent(a:lnum)
  endif
  return indent(a:lnum) - (s:IsContinuation(a:lnum) ? shiftwidth() : 0)
endfunction

" The indentation of a line's level, from the code line above it (not by scanning every bracket
" back to the top of the file).
function! s:LevelIndent(lnum) abort
  let previous = s:PreviousCodeLine(a:lnum)
  if previous == 0
    return 0
  endif
  let [open, closer] = s:UnmatchedBrackets(previous)
  if open > 0
    return indent(previous) + shiftwidth()
  endif
  if closer > 0
    let opening = s:OpeningLine(previous, closer)
    return opening > 0 ? s:StatementIndent(opening) : 0
  endif
  return s:StatementIndent(previous)
endfunction

function! GetTenantIndent() abort
  let lnum = v:lnum
  let s:multiline = search('"""\|/\*', 'nw') > 0
  if s:IsTextOfMultilineItem(lnum)
    return indent(lnum)
  endif
  let first = match(getline(lnum), '\S') + 1
  if first > 0 && getline(lnum)[first - 1] =~# '[]})]'
    let open = s:OpeningLine(lnum, first)
    return open > 0 ? indent(open) : 0
  endif
  return s:LevelIndent(lnum) + (s:IsContinuation(lnum) ? shiftwidth() : 0)
endfunction
