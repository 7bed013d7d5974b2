" Re-indents every file named on the command line with editors/nvim's indent rules, writes it
" back, and quits; `:cquit` (exit status 1) on any error.
try
  for file in argv()
    execute 'edit ' . fnameescape(file)
    if &filetype !=# 'tenant' || &indentexpr ==# ''
      throw file . ': filetype ' . &filetype . ', indentexpr ' . &indentexpr
    endif
    silent normal! gg=G
    update
  endfor
catch
  call writefile([v:exception], '/dev/stderr')
  cquit
endtry
qall!
