/** Registers every module. One import per module file; the registry maps names to them. */
import { registerModules } from './registry.js';
import assert from './assert.js';
import blockinfile from './blockinfile.js';
import command from './command.js';
import copy from './copy.js';
import debug from './debug.js';
import fail from './fail.js';
import file from './file.js';
import lineinfile from './lineinfile.js';
import meta from './meta.js';
import ping from './ping.js';
import replace from './replace.js';
import setFact from './set-fact.js';
import shell from './shell.js';
import stat from './stat.js';
import template from './template.js';

registerModules([assert, blockinfile, command, copy, debug, fail, file, lineinfile, meta, ping, replace, setFact, shell, stat, template]);
