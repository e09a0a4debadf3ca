// Clear reasons for workbooks SheetJS cannot read: encrypted (password-protected), truncated (a download cut
// short) or corrupt, instead of its internal messages ("Bad compressed size: 0 != 374", "Major Version: Expected
// 3 or 4 saw 33982").
import * as XLSX from 'xlsx';

const ZIP = [0x50, 0x4b, 0x03, 0x04];
const OLE = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];
const startsWith = (b: Uint8Array, sig: number[]) => sig.every((x, i) => b[i] === x);

/** A zip ends with its directory (end-of-central-directory record, within the last 64 KiB + 22 bytes). */
function hasZipDirectory(b: Uint8Array): boolean {
  for (let i = b.length - 22; i >= Math.max(0, b.length - 65_557); i--)
    if (b[i] === 0x50 && b[i + 1] === 0x4b && b[i + 2] === 0x05 && b[i + 3] === 0x06) return true;
  return false;
}

const ENCRYPTED =
  'the workbook is encrypted (password-protected): it cannot be read without the password; ask the publisher for an unprotected copy';

/** Why the workbook cannot be read, when that can be told before parsing it. */
export function unreadableWorkbook(b: Uint8Array): string | undefined {
  if (startsWith(b, ZIP) && !hasZipDirectory(b))
    return `the workbook is truncated: its zip directory is missing (${b.length.toLocaleString('en-GB')} bytes; the download was cut short or the file is damaged)`;
  if (startsWith(b, OLE)) {
    let names: string[];
    try {
      names = XLSX.CFB.read(b, { type: 'buffer' }).FullPaths.map((p: string) =>
        p.replace(/\/$/, '').split('/').pop()!,
      );
    } catch (e) {
      return `the workbook is corrupt: not a readable OLE2 compound file (.xls or encrypted .xlsx) (${(e as Error).message})`;
    }
    // an encrypted xlsx/xlsm is an OLE2 file holding EncryptionInfo and EncryptedPackage streams
    if (names.includes('EncryptionInfo') || names.includes('EncryptedPackage')) return ENCRYPTED;
  }
  return undefined;
}

/** SheetJS's error, said so that a user can act on it. */
export function explainReadError(b: Uint8Array, err: unknown): Error {
  const msg = err instanceof Error ? err.message : String(err);
  if (/password|encrypt/i.test(msg)) return new Error(ENCRYPTED, { cause: err });
  const kind = startsWith(b, ZIP)
    ? 'zip archive (xlsx, xlsm, ods)'
    : startsWith(b, OLE)
      ? 'OLE2 (.xls)'
      : 'file';
  return new Error(`the workbook is corrupt: its ${kind} cannot be read (${msg})`, { cause: err });
}
