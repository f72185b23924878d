import { yumArgs } from './lib/rpm-args.js';
import { yumBackend } from './lib/rpm-backend.js';
import { rpmPackageModule } from './lib/rpm-module.js';

/**
 * Installs, upgrades and removes RPM packages with yum 3 (CentOS/RHEL 7); where dnf is the package
 * manager it uses dnf, as Ansible's yum does with use_backend auto.
 */
export default rpmPackageModule('yum', yumArgs, (ctx, a) => yumBackend(ctx, a.use_backend));
