import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { expect } from 'chai';
import { FIXTURES } from '../support/pathFixtures';

const ROOT = join(__dirname, '..', '..');

describe('start-up with broken paths', () => {
  it('refuses to start on a broken YAML file and names the file and the line', function () {
    this.timeout(30_000);
    const result = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'src', 'main.ts')], {
      cwd: ROOT,
      env: { ...process.env, PORT: '0', LOG_PRETTY: 'false', DIALOGS_DIR: join(FIXTURES, 'broken_yaml', 'dialogs') },
      encoding: 'utf8',
    });
    expect(result.status).to.equal(1);
    expect(result.stderr).to.contain('The paths in dialogs/ cannot be used');
    expect(result.stderr).to.contain('test/fixtures/paths/broken_yaml/dialogs/work.yaml:10: is not valid YAML');
    expect(result.stderr).to.contain('fix: Check the indentation');
  });

  it('refuses to start when a goto leads nowhere, naming the node', function () {
    this.timeout(30_000);
    const result = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'src', 'main.ts')], {
      cwd: ROOT,
      env: { ...process.env, PORT: '0', LOG_PRETTY: 'false', DIALOGS_DIR: join(FIXTURES, 'bad_refs', 'dialogs') },
      encoding: 'utf8',
    });
    expect(result.status).to.equal(1);
    expect(result.stderr).to.contain('work.yaml:56 (node work.dangling): goto leads to "work.nowhere"');
  });
});
