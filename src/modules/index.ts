/** Registers every module. One import per module file; the registry maps names to them. */
import { registerModules } from './registry.js';
import apt from './apt.js';
import aptRepository from './apt-repository.js';
import assert from './assert.js';
import blockinfile from './blockinfile.js';
import command from './command.js';
import copy from './copy.js';
import debug from './debug.js';
import dnf from './dnf.js';
import dpkgSelections from './dpkg-selections.js';
import fail from './fail.js';
import file from './file.js';
import getUrl from './get-url.js';
import group from './group.js';
import hostname from './hostname.js';
import lineinfile from './lineinfile.js';
import meta from './meta.js';
import modprobe from './modprobe.js';
import mount from './mount.js';
import packageModule from './package.js';
import ping from './ping.js';
import reboot from './reboot.js';
import replace from './replace.js';
import selinux from './selinux.js';
import service from './service.js';
import setFact from './set-fact.js';
import setup, { gatherFactsModule } from './setup.js';
import shell from './shell.js';
import stat from './stat.js';
import swap from './swap.js';
import sysctl from './sysctl.js';
import systemd, { systemdService } from './systemd.js';
import template from './template.js';
import timezone from './timezone.js';
import unarchive from './unarchive.js';
import user from './user.js';
import waitFor from './wait-for.js';
import yum from './yum.js';
import yumRepository from './yum-repository.js';
import yumVersionlock from './yum-versionlock.js';

registerModules([
  apt, aptRepository, assert, blockinfile, command, copy, debug, dnf, dpkgSelections, fail, file,
  gatherFactsModule, getUrl, group, hostname, lineinfile, meta, modprobe, mount, packageModule, ping,
  reboot, replace, selinux, service, setFact, setup, shell, stat, swap, sysctl, systemd,
  systemdService, template, timezone, unarchive, user, waitFor, yum, yumRepository, yumVersionlock,
]);
