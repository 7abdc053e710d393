// Loading an entity's Terraform status, then keeping it fresh: each tick polls the status of the
// runs still moving (cheap: ETags, usually a 304), and reloads the whole status when one moved
// or every few ticks (a workspace may have started a new run).
import { useCallback, useEffect, useRef, useState } from 'react';
import { useApi } from '@backstage/core-plugin-api';
import { tfeCatalogApiRef } from './api';

const RELOAD_EVERY_TICKS = 4;

export function useTerraformStatus(entityName, { pollIntervalMs = 15000 } = {}) {
  const api = useApi(tfeCatalogApiRef);
  const [state, setState] = useState({ loading: true });
  const [summaries, setSummaries] = useState({});
  const etags = useRef({});
  const key = `${entityName.kind}:${entityName.namespace ?? 'default'}/${entityName.name}`;

  const load = useCallback(async () => {
    try {
      const value = await api.getEntityStatus(entityName);
      setState({ loading: false, value });
    } catch (error) {
      setState(previous => ({ loading: false, error, value: previous.value }));
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [api, key]);

  useEffect(() => {
    setState({ loading: true });
    load();
  }, [load]);

  // Details of runs the backend has no summary of yet: read once per run.
  useEffect(() => {
    for (const ws of state.value?.workspaces ?? []) {
      const runId = ws.run?.id;
      if (!runId || ws.summary || summaries[runId]) continue;
      setSummaries(s => ({ ...s, [runId]: { loading: true } }));
      api
        .getRunSummary(runId)
        .then(summary => setSummaries(s => ({ ...s, [runId]: { summary } })))
        .catch(error => setSummaries(s => ({ ...s, [runId]: { error } })));
    }
  }, [api, state.value, summaries]);

  useEffect(() => {
    if (!pollIntervalMs) return undefined;
    let tick = 0;
    const timer = setInterval(async () => {
      tick += 1;
      const moving = (state.value?.workspaces ?? []).map(ws => ws.run).filter(run => run && !run.final);
      const moved = new Set();
      for (const run of moving) {
        try {
          const polled = await api.getRunStatus(run.id, etags.current[run.id]);
          etags.current[run.id] = polled.etag;
          if (!polled.notModified && polled.status.status !== run.status) moved.add(run.id);
        } catch {
          // the next full reload reports errors
        }
      }
      if (moved.size > 0 || tick % RELOAD_EVERY_TICKS === 0) {
        // Details of moved runs are out of date, and failed reads are worth another try.
        setSummaries(s => Object.fromEntries(Object.entries(s).filter(([id, v]) => v.summary && !moved.has(id))));
        await load();
      }
    }, pollIntervalMs);
    return () => clearInterval(timer);
  }, [api, load, pollIntervalMs, state.value]);

  return { ...state, summaries, reload: load };
}
