/**
 * docs/RUNBOOK.md has a section for every alarm the stack synthesizes, headed by the alarm's construct id, and every
 * alarm's description links to that section.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runbookAnchor } from '../../infra/constructs/monitoring';
import { REPO_ROOT } from '../../infra/paths';
import { resourcesOfType, type SynthesizedStack, synthesizeStack } from './support';

let synth: SynthesizedStack;
let headings: Set<string>;

beforeAll(() => {
  // Every optional alarm on: the e-mail subscription brings its own dead-letter queue.
  synth = synthesizeStack({ alarmEmail: 'oncall@example.com', runbookUrl: 'https://runbook.example.com/RUNBOOK.md' });
  const runbook = readFileSync(join(REPO_ROOT, 'docs/RUNBOOK.md'), 'utf8');
  headings = new Set([...runbook.matchAll(/^#{2,4} (\S+)\s*$/gm)].map((m) => m[1] as string));
});

describe('the runbook', () => {
  it('has a section named by the construct id of every alarm in the synthesized template', () => {
    // Prepare
    const alarmIds = synth.stack.monitoring.alarms.map((alarm) => alarm.node.id);

    // Act
    const missing = alarmIds.filter((id) => !headings.has(id));

    // Assess
    expect(alarmIds.length).toBe(Object.keys(resourcesOfType(synth.template, 'AWS::CloudWatch::Alarm')).length);
    expect(missing, `add a "### <alarm id>" section to docs/RUNBOOK.md for: ${missing.join(', ')}`).toEqual([]);
  });

  it("links each alarm's description to its own section", () => {
    // Prepare
    const alarms = synth.stack.monitoring.alarms.map((alarm) => ({
      id: alarm.node.id,
      description: synth.stack.resolve(
        (alarm.node.defaultChild as { alarmDescription?: string }).alarmDescription,
      ) as string,
    }));

    // Act
    const unlinked = alarms.filter(
      ({ id, description }) =>
        !description.endsWith(`Runbook: https://runbook.example.com/RUNBOOK.md#${runbookAnchor(id)}`),
    );

    // Assess
    expect(unlinked).toEqual([]);
    expect(runbookAnchor('TrackingOutboxDeadLettersDepth')).toBe('trackingoutboxdeadlettersdepth');
  });

  it('links to docs/RUNBOOK.md in the repository when no runbookUrl is given', () => {
    // Prepare
    const plain = synthesizeStack();

    // Act
    const descriptions = Object.values(resourcesOfType(plain.template, 'AWS::CloudWatch::Alarm')).map(
      (alarm) => alarm.Properties?.AlarmDescription as string,
    );

    // Assess
    expect(descriptions.length).toBeGreaterThan(0);
    for (const description of descriptions) expect(description).toMatch(/Runbook: docs\/RUNBOOK\.md#[a-z0-9]+$/);
  });
});
