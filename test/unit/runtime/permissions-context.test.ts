import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SandboxPolicy } from '../../../src/protocol/v2/policies.js';
import { environmentContext } from '../../../src/runtime/context/environment-context.js';
import { permissionsText } from '../../../src/runtime/prompts/permissions-text.js';

const FACTS = { cwd: '/w', shell: 'bash', currentDate: '2026-12-07', timezone: 'Etc/UTC', runtimeWorkspaceRoots: ['/w'] };

function profileOf(text: string): string {
  return /<permission_profile[^]*<\/permission_profile>|<permission_profile[^>]*\/>/.exec(text)?.[0] ?? '';
}

describe('the permissions the model is told about', () => {
  it('describes each sandbox with the reference 0.169.0 permission profile elements', () => {
    assert.equal(
      profileOf(environmentContext({ ...FACTS, sandboxPolicy: { type: 'dangerFullAccess' } })),
      '<permission_profile type="disabled"><file_system type="unrestricted" /></permission_profile>',
    );
    assert.equal(
      profileOf(environmentContext({ ...FACTS, sandboxPolicy: { type: 'readOnly', networkAccess: false } })),
      '<permission_profile type="managed"><file_system type="restricted"><entry access="read"><special>:root</special></entry></file_system></permission_profile>',
    );
    const workspace: SandboxPolicy = {
      type: 'workspaceWrite',
      writableRoots: [],
      networkAccess: false,
      excludeTmpdirEnvVar: false,
      excludeSlashTmp: false,
    };
    assert.equal(
      profileOf(environmentContext({ ...FACTS, sandboxPolicy: workspace })),
      '<permission_profile type="managed"><file_system type="restricted">' +
        '<entry access="read"><special>:root</special></entry>' +
        '<entry access="write"><path>/w</path></entry>' +
        '<entry access="write"><special>:slash_tmp</special></entry>' +
        '<entry access="write"><special>:tmpdir</special></entry>' +
        '<entry access="read"><path>/w/.git</path></entry>' +
        '<entry access="read"><path>/w/.agents</path></entry>' +
        '<entry access="read"><path>/w/.codex</path></entry>' +
        '<entry access="read"><path>/w/.aws</path></entry>' +
        '</file_system></permission_profile>',
    );
  });

  it('explains escalation only when the user can be asked and a sandbox applies', () => {
    const readOnly = { type: 'readOnly', networkAccess: false } as const;
    const onRequest = permissionsText(readOnly, 'on-request');
    assert.match(onRequest, /^<permissions instructions>\n[^]*require_escalated[^]*\n<\/permissions instructions>$/);
    assert.doesNotMatch(permissionsText(readOnly, 'never'), /prefix_rule/);
    assert.doesNotMatch(permissionsText({ type: 'dangerFullAccess' }, 'on-request'), /prefix_rule/);
  });
});
