import React from 'react';
import { Link } from '@backstage/core-components';
import { age } from '../format';
import { Field } from './Field';

/** Who triggered the run: the VCS user (linked to their profile) or the TFE user who created it. */
export function TriggeredBy({ trigger, createdBy }) {
  const by = trigger?.by ?? createdBy?.username;
  if (!by) return null;
  return trigger?.byUrl ? <Link to={trigger.byUrl}>{by}</Link> : <span>{by}</span>;
}

/** What triggered it: the pull request or the commit (linked), on its branch or tag. */
export function TriggeredWhat({ trigger }) {
  if (!trigger) return null;
  const sha = trigger.commitSha?.slice(0, 7);
  const commit = sha && (trigger.commitUrl ? <Link to={trigger.commitUrl}>{sha}</Link> : sha);
  const pr = trigger.pullRequestNumber != null && (
    <span title={trigger.pullRequestTitle ?? undefined}>
      {trigger.pullRequestUrl ? <Link to={trigger.pullRequestUrl}>{`PR #${trigger.pullRequestNumber}`}</Link> : `PR #${trigger.pullRequestNumber}`}
    </span>
  );
  const where = trigger.tag ? `tag ${trigger.tag}` : trigger.branch;
  if (!commit && !pr && !where) return null;
  return (
    <span title={trigger.commitMessage ?? undefined}>
      {pr}
      {pr && commit ? ' · ' : ''}
      {commit}
      {where ? ` on ${where}` : ''}
    </span>
  );
}

/** The listing's facts: resources, lock, last change, assessments. */
export function WorkspaceFactFields({ facts }) {
  if (!facts) return null;
  const { resourceCount, locked, lockedBy, latestChangeAt, assessmentsEnabled } = facts;
  return (
    <>
      <Field label="Resources">{resourceCount ?? undefined}</Field>
      <Field label="Lock">{locked == null ? undefined : locked ? `Locked${lockedBy ? ` by ${lockedBy}` : ''}` : 'Unlocked'}</Field>
      <Field label="Last change">
        {latestChangeAt ? <span title={latestChangeAt}>{age(latestChangeAt)}</span> : undefined}
      </Field>
      <Field label="Health checks">{assessmentsEnabled == null ? undefined : assessmentsEnabled ? 'On' : 'Off'}</Field>
    </>
  );
}

/** An output's value as text: strings as they are, anything else as JSON. */
function valueText(output) {
  if (output.sensitive) return 'sensitive';
  if (output.valueBytes != null) return `too large to show (${output.valueBytes} bytes)`;
  if (output.value === undefined || output.value === null) return 'null';
  return typeof output.value === 'string' ? output.value : JSON.stringify(output.value);
}

/** The current state's outputs: name and value; sensitive ones by name only. */
export function Outputs({ outputs }) {
  if (!outputs || outputs.length === 0) return null;
  return (
    <Field label="Outputs" wide>
      <dl style={{ margin: 0, display: 'grid', gridTemplateColumns: 'max-content 1fr', columnGap: 12 }} aria-label="Terraform outputs">
        {outputs.map(o => (
          <React.Fragment key={o.name}>
            <dt style={{ fontFamily: 'monospace' }}>{o.name}</dt>
            <dd style={{ margin: 0, overflowWrap: 'anywhere', fontStyle: o.sensitive || o.valueBytes != null ? 'italic' : 'normal' }} data-output={o.name}>
              {valueText(o)}
            </dd>
          </React.Fragment>
        ))}
      </dl>
    </Field>
  );
}
