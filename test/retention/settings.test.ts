import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../bot/config.js';
import { jobSettingsOf } from '../../bot/app.js';
import { jobList } from '../../jobs/jobs.js';
import { cutoffsAt, DEFAULT_RETENTION, erasureReason } from '../../db/retention/retention.policy.js';

const load = (env: Record<string, string> = {}) => loadConfig({ INGEST_API_KEY: 'test-ingest-key-0123456789', ...env });

describe('retention settings', () => {
  it('defaults: daily at 02:30, closed occurrences 6 years, NCHI subject refs 1 year, prompts 90 days', () => {
    expect(load().retention).toEqual({
      cron: '30 2 * * *',
      periods: { closedOccurrenceDays: 2190, nchiSubjectDays: 365, promptDays: 90 },
    });
  });

  it('reads each period and the cron, and RETENTION_ENABLED=false turns the job off', () => {
    const c = load({
      RETENTION_CLOSED_OCCURRENCE_DAYS: '3650',
      RETENTION_NCHI_SUBJECT_DAYS: '180',
      RETENTION_PROMPT_DAYS: '30',
      RETENTION_CRON: '0 3 * * 0',
    });
    expect(c.retention).toEqual({ cron: '0 3 * * 0', periods: { closedOccurrenceDays: 3650, nchiSubjectDays: 180, promptDays: 30 } });
    expect(load({ RETENTION_ENABLED: 'false' }).retention).toBeNull();
  });

  it('refuses to start on a bad value, naming the setting and the problem', () => {
    const problem = (env: Record<string, string>) => {
      try {
        load(env);
      } catch (e) {
        expect(e).toBeInstanceOf(ConfigError);
        return (e as Error).message;
      }
      return 'accepted';
    };
    expect(problem({ RETENTION_CLOSED_OCCURRENCE_DAYS: '7' })).toMatch(/RETENTION_CLOSED_OCCURRENCE_DAYS: must be at least 30 days/);
    expect(problem({ RETENTION_NCHI_SUBJECT_DAYS: '0' })).toMatch(/RETENTION_NCHI_SUBJECT_DAYS: must be at least 1 days/);
    expect(problem({ RETENTION_PROMPT_DAYS: '1.5' })).toMatch(/RETENTION_PROMPT_DAYS: must be a whole number of days/);
    expect(problem({ RETENTION_PROMPT_DAYS: 'ninety' })).toMatch(/RETENTION_PROMPT_DAYS/);
    expect(problem({ RETENTION_CRON: 'daily' })).toMatch(/RETENTION_CRON: "daily" is not a cron expression/);
    expect(problem({ RETENTION_ENABLED: 'maybe' })).toMatch(/RETENTION_ENABLED/);
  });

  it('the job list carries the retention job when it has its settings, and not otherwise', () => {
    const ctx = { db: null as never, clock: () => new Date(), kickOutbox: () => undefined };
    const base = { ...jobSettingsOf(load()), retention: null };
    expect(jobList(ctx, base).map((j) => j.name)).not.toContain('retention');
    const retention = load().retention!;
    const specs = jobList(ctx, { ...base, retention });
    expect(specs.find((j) => j.name === 'retention')).toMatchObject({ cron: '30 2 * * *' });
  });
});

describe('retention policy', () => {
  it('each cut-off is its period in days of 24 hours before now', () => {
    const now = new Date('2032-11-20T02:30:00Z');
    expect(cutoffsAt(now, DEFAULT_RETENTION)).toEqual({
      closedBefore: new Date('2026-11-22T02:30:00Z'), // 2190 days: 6 years less the two leap days between
      nchiFlaggedBefore: new Date('2031-11-21T02:30:00Z'),
      promptsCompletedBefore: new Date('2032-08-22T02:30:00Z'),
    });
  });

  it('an erasure entry names the period, the setting and the rule', () => {
    expect(erasureReason('nchi_subject_refs', { ...DEFAULT_RETENTION, nchiSubjectDays: 200 })).toEqual({
      reason: expect.stringContaining('200 days'),
      periodDays: 200,
      setting: 'RETENTION_NCHI_SUBJECT_DAYS',
    });
  });
});
