import { dnfArgs } from './lib/rpm-args.js';
import { rpmPackageModule } from './lib/rpm-module.js';

/** Installs, upgrades and removes RPM packages with dnf (RHEL/Rocky/Alma 8 and later, Fedora). */
export default rpmPackageModule('dnf', dnfArgs, async () => 'dnf');
