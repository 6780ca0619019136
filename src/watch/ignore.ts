import { basename } from 'node:path';

/**
 * Names editors write beside the real file while saving (reference/reliability.md §4): vim's
 * `4913` write probe, `file~` backups and `.file.swp` swaps; JetBrains' `___jb_tmp___` /
 * `___jb_old___`; emacs' `#file#` autosaves and `.#file` locks; `*.tmp`, `*.bak`, Kate's
 * `.kate-swp`, Chrome's `.crswap`, Sublime's `.subl*.tmp`, and `.DS_Store` noise.
 */
const TEMP_NAME = new RegExp(
  [
    '^\\d+$',
    '~$',
    '\\.sw[a-px]$',
    '___jb_(?:tmp|old|bak)___$',
    '^#.*#$',
    '^\\.#',
    '\\.(?:tmp|temp|bak|orig|crswap|kate-swp)$',
    '\\.tmp[.-][\\w.-]*$',
    '^\\.subl.*\\.tmp$',
    '^\\.DS_Store$',
  ].join('|'),
  'i',
);

/** True for an editor's temporary or backup file, which a reload must never read. */
export function isEditorTempFile(path: string): boolean {
  return TEMP_NAME.test(basename(path));
}
