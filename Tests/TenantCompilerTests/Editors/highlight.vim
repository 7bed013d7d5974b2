" Writes the syntax group of every byte of TENANTC_EDITOR_FILE, as editors/nvim's syntax file
" gives it (`tenantKeyword`, `tenantComment`, …; "" for none), as JSON: one list of names per
" line. Exit status 1 on any error.
try
  execute 'edit ' . fnameescape($TENANTC_EDITOR_FILE)
  if &filetype !=# 'tenant' || get(b:, 'current_syntax', '') !=# 'tenant'
    throw 'filetype ' . &filetype . ', syntax ' . get(b:, 'current_syntax', '')
  endif
  let s:lines = []
  for s:lnum in range(1, line('$'))
    let s:names = []
    for s:col in range(1, len(getline(s:lnum)))
      call add(s:names, synIDattr(synID(s:lnum, s:col, 1), 'name'))
    endfor
    call add(s:lines, s:names)
  endfor
  call writefile([json_encode(s:lines)], $TENANTC_EDITOR_RESULT)
catch
  call writefile(['highlight: ' . v:exception], '/dev/stderr')
  cquit
endtry
qall!
