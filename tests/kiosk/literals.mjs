// The kiosk's texts live in the string tables (assets/strings), never in
// C: this check reads the C of the kiosk's screens and toolkit
// (kiosk/app/kiosk, kiosk/ui) and fails, naming file and line, on
//   - a string literal with non-ASCII characters (a Chinese text in code);
//   - a literal given straight to a toolkit parameter that a person reads:
//     the parameters of kiosk/ui/ui.h named text, title, label, label1,
//     label2 (ui_text, ui_button, ui_modal, ...);
//   - a literal that reads like words ("Paper out", "Please wait") outside
//     a diagnostic: fprintf, perror and SDL's log and error calls (stderr,
//     the journal), systemd's sd_notify status lines (systemctl status),
//     a call that also takes a reason buffer named err, why
//     or what (reasons for the log), and the files that speak to
//     developers only: the scenario runner and command line
//     (kiosk_script.c, main_kiosk.c) and the string tables' parser
//     (ui_strings.c);
//   - a key given as a literal to ui_str / ui_str_lang that the English
//     table lacks (the key itself would show on the screen).
//   node literals.mjs PROJECT-DIR [--selftest]
// --selftest first runs the check on small pieces of C, each of which
// must give exactly its expected problem (or none).
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const root = process.argv[2];
if (!root || (process.argv[3] && process.argv[3] !== '--selftest')) {
	console.error('usage: node literals.mjs PROJECT-DIR [--selftest]');
	process.exit(2);
}
const dirs = ['kiosk/app/kiosk', 'kiosk/ui'];
const developerFacing = new Set(['kiosk_script.c', 'main_kiosk.c', 'ui_strings.c']);
const diagnostics = new Set([
	'fprintf', 'perror', 'fputs', 'SDL_Log', 'SDL_LogError', 'SDL_LogWarn', 'SDL_SetError',
	'sd_notify', 'sd_notifyf',
]);
const reasonBuffers = /^(err|why|what|whycap|errcap)$/;

// Strips comments, keeps strings; returns tokens with their line.
function tokens(src) {
	const out = [];
	let line = 1;
	for (let i = 0; i < src.length; ) {
		const c = src[i];
		if (c === '\n') {
			line++;
			i++;
		} else if (src.startsWith('//', i)) {
			while (i < src.length && src[i] !== '\n') i++;
		} else if (src.startsWith('/*', i)) {
			const end = src.indexOf('*/', i + 2);
			for (const ch of src.slice(i, end + 2)) if (ch === '\n') line++;
			i = end + 2;
		} else if (c === '"' || c === "'") {
			let j = i + 1;
			while (src[j] !== c) j += src[j] === '\\' ? 2 : 1;
			out.push({ kind: c === '"' ? 'str' : 'char', text: src.slice(i + 1, j), line });
			i = j + 1;
		} else if (c === '#' && (i === 0 || src[i - 1] === '\n')) {
			// Preprocessor lines (#include "x.h") are not texts.
			while (i < src.length && !(src[i] === '\n' && src[i - 1] !== '\\')) {
				if (src[i] === '\n') line++;
				i++;
			}
		} else if (/[A-Za-z_]/.test(c)) {
			let j = i;
			while (/[A-Za-z0-9_]/.test(src[j])) j++;
			out.push({ kind: 'id', text: src.slice(i, j), line });
			i = j;
		} else if (/\s/.test(c)) {
			i++;
		} else {
			out.push({ kind: 'punct', text: c, line });
			i++;
		}
	}
	return out;
}

// The parameter names of each function declared in ui.h.
function uiParams() {
	const src = readFileSync(join(root, 'kiosk/ui/ui.h'), 'utf8');
	const params = new Map();
	const re = /\b(ui_[a-z_]+)\s*\(([^;{]*?)\)\s*;/gs;
	for (const m of src.matchAll(re)) {
		const names = m[2].split(',').map((p) => (p.match(/([A-Za-z_0-9]+)\s*$/) || [])[1]);
		params.set(m[1], names);
	}
	return params;
}

function tableKeys() {
	const keys = new Set();
	for (const l of readFileSync(join(root, 'assets/strings/en.tsv'), 'utf8').split('\n'))
		if (l && !l.startsWith('#') && l.includes('\t')) keys.add(l.slice(0, l.indexOf('\t')));
	return keys;
}

const params = uiParams();
const keys = tableKeys();
const readerParams = /^(text|title|label|label1|label2)$/;
const problems = [];

function check(file, name, shown, src = readFileSync(file, 'utf8')) {
	const toks = tokens(src);
	// One frame per open parenthesis: the called name (or null), the
	// argument index, and whether a reason buffer is among its arguments.
	const stack = [];
	for (let i = 0; i < toks.length; i++) {
		const t = toks[i];
		const top = stack[stack.length - 1];
		if (t.kind === 'punct' && t.text === '(') {
			const prev = toks[i - 1];
			stack.push({ fn: prev && prev.kind === 'id' ? prev.text : null, arg: 0, reason: false });
		} else if (t.kind === 'punct' && t.text === ')') {
			stack.pop();
		} else if (t.kind === 'punct' && t.text === ',' && top) {
			top.arg++;
		} else if (t.kind === 'id' && top && reasonBuffers.test(t.text)) {
			top.reason = true;
		} else if (t.kind === 'str') {
			const where = `${shown}:${t.line}`;
			const call = [...stack].reverse().find((f) => f.fn);
			if (/[^\x00-\x7f]/.test(t.text)) problems.push(`${where}: a non-ASCII text in code: "${t.text}"`);
			if (call && params.has(call.fn) && readerParams.test(params.get(call.fn)[call.arg] || ''))
				problems.push(`${where}: "${t.text}" given as ${call.fn}'s ${params.get(call.fn)[call.arg]}: use a string-table key`);
			if (call && (call.fn === 'ui_str' || call.fn === 'ui_str_lang') && !keys.has(t.text) && !/%/.test(t.text))
				problems.push(`${where}: key "${t.text}" is not in assets/strings/en.tsv`);
			const diagnostic =
				developerFacing.has(name) ||
				(call && diagnostics.has(call.fn)) ||
				(call && call.reason);
			if (/[A-Za-z]{2,},? [A-Za-z]{2,}/.test(t.text) && !diagnostic)
				problems.push(`${where}: "${t.text}" reads like words: put it in the string tables`);
		}
	}
}

const selftest = [
	['static const char *seat = "请坐";', /non-ASCII/],
	['ui_button(u, "ok", r, "OK", UI_BTN_PRIMARY);', /as ui_button's label/],
	['ui_modal(u, ui_str(u, "ticket.title"), "Sorry", "a", NULL, NULL, NULL);', /as ui_modal's text/],
	['const char *m = "Paper is out";', /reads like words/],
	['ui_text(u, r, ui_str(u, "ticket.no_such_key"), 0, 0, 0);', /not in assets/],
	['ui_button(u, "ticket.done", r, ui_str(u, "ticket.done"), 0);', null],
	['fprintf(stderr, "vaxbus-kiosk: print job kept\n");', null],
	['sd_notifyf(0, "STATUS=opening the database (%d s)", n);', null],
	['set_why(why, whycap, "ui_open", "out of memory");', null],
	['/* "Paper out" in a comment */ ui_qr(u, r, payload);', null],
];
if (process.argv[3] === '--selftest')
	for (const [src, want] of selftest) {
		check(null, 'selftest.c', 'selftest.c', src);
		const got = problems.splice(0);
		if (want ? got.length !== 1 || !want.test(got[0]) : got.length) {
			console.error(`literals: selftest: ${src}\n  gave: ${got.join('; ') || 'nothing'}`);
			process.exit(1);
		}
	}

let files = 0;
for (const dir of dirs)
	for (const f of readdirSync(join(root, dir)).filter((f) => f.endsWith('.c')).sort()) {
		check(join(root, dir, f), f, `${dir}/${f}`);
		files++;
	}
if (problems.length) {
	console.error(problems.join('\n'));
	console.error(`literals: ${problems.length} problem(s) in ${files} files`);
	process.exit(1);
}
console.log(`literals: ${files} files, no user-facing literal`);
