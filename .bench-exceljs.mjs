
import ExcelJS from 'exceljs';
const r = new ExcelJS.stream.xlsx.WorkbookReader(process.argv[2], { sharedStrings: 'cache', styles: 'cache', worksheets: 'emit', hyperlinks: 'ignore' });
let rows = 0, cells = 0;
for await (const ws of r) for await (const row of ws) { rows++; row.eachCell({ includeEmpty: false }, (c) => { if (c.value !== undefined) cells++; }); }
console.log(rows + ' rows ' + cells + ' cells');
