" tenantc's configuration language.
autocmd BufNewFile,BufRead *.tenant setfiletype tenant
