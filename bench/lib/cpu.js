'use strict';
/** CPU time (user + system, ms) a process has used so far, from /proc (Linux); null elsewhere. */
const fs = require('fs');

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

function cpuMs(pid) {
	try {
		const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
		// Fields after the command name (which may hold spaces) start at state (field 3).
		const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
		const utime = Number(fields[11]);
		const stime = Number(fields[12]);
		return ((utime + stime) * 1000) / TICKS_PER_SECOND;
	} catch {
		return null;
	}
}

module.exports = { cpuMs };
