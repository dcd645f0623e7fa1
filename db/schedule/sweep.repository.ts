import { sql } from 'kysely';
import type { Db } from '../schema.js';
import type { StepTiming } from './schedule.steps.js';

/** What one claim batch did: reviews claimed, messages queued to send (a card listing several counts once), and open occurrences whose monthly review reached its deadline. */
export interface SweepBatch {
  processed: number;
  queued: number;
  /** Occurrences to plan the next monthly review for (schedule.service syncSchedule). */
  monthlyDue: string[];
}

/**
 * One claim batch of the review sweep as ONE statement (issue 11, item 4): claims up to `limit`
 * pending reviews whose next step has come (FOR UPDATE SKIP LOCKED, so replicas never take the
 * same row), works out each one's event, finds its recipients, queues its outbox rows and
 * advances its step. The rules are those of the pure functions, applied set-wise:
 *
 * - the event and the new step: schedule.steps.ts `nextEvent` (a snooze that has ended brings the
 *   prompt back; owner steps 1-2 are skipped while snoozed; first seen past the deadline, the chase);
 * - the next look: schedule.steps.ts `nextStepAt`;
 * - recipients: owner.policy.ts — the owner (OIC or supervisor by UPN; the district's coordinators
 *   or managers for theirs), at step 3 the OIC's supervisor or else the coordinators, each only if known in
 *   Teams (schedule.recipients.ts `reachableUsers`); nobody reachable: the district's review
 *   channels, marked unreachable (owner.policy.ts `promptTargets`); step 4 the review channels;
 * - the outbox rows: as outbox.service.ts `enqueueMessages` would write them, a dedupe key per
 *   review, step and recipient conversation. A conversation with one item due gets its
 *   `review_prompt`; one with two or more gets ONE `review_prompt_batch` card listing them (issue 13
 *   item 2; issue 12 item 7), and each item's own row is written set aside (`skipped`, naming the
 *   card), so its key still says "queued": an item queued once for a step and conversation, alone
 *   or on a card, is never queued again, neither alone nor on a later card.
 *
 * A review whose step has nothing to send (the next step is not due yet) is only re-timed.
 */
export async function sweepBatch(trx: Db, steps: StepTiming, now: Date, limit: number): Promise<SweepBatch> {
  const hours = (h: number) => sql`(${h}::float8 * interval '1 hour')`;
  const res = await sql<{ processed: number; queued: number; monthly_due: string[] | null }>`
    with claimed as (
      select id, occurrence_id, kind, owner_role, due_at, step, snoozed_until, snooze_count, next_step_at
      from scheduled_reviews
      where status = 'pending' and next_step_at <= ${now}
      order by next_step_at
      limit ${limit}
      for update skip locked
    ),
    timed as (
      select c.*, o.district, o.status as occurrence_status, lower(o.oic_upn) as oic_upn, lower(o.supervisor_upn) as supervisor_upn,
        array[c.due_at - ${hours(steps.leadHours)}, c.due_at, c.due_at + ${hours(steps.supervisorHours)}, c.due_at + ${hours(steps.channelHours)}] as at,
        c.snoozed_until is not null and c.snoozed_until <= ${now} as snooze_over
      from claimed c join occurrences o on o.id = c.occurrence_id
    ),
    candidate as (
      -- nextEvent: the step after this one; owner steps skipped while snoozed; the chase, not the prompt, once past the deadline
      select t.*, case
          when t.snoozed_until is not null and t.step + 1 <= 2 then 3
          when t.step + 1 = 1 and t.at[2] <= ${now} then 2
          else t.step + 1 end as k
      from timed t
    ),
    evented as (
      select c.*,
        case when c.snooze_over then 'snoozed'
             when c.k <= 4 and c.at[c.k] <= ${now} then (array['prompt', 'chase', 'escalate_supervisor', 'escalate_channel'])[c.k]
        end as event,
        case when c.snooze_over then greatest(c.step, 2)
             when c.k <= 4 and c.at[c.k] <= ${now} then c.k
             else c.step end as new_step,
        case when c.snooze_over then null else c.snoozed_until end as new_snoozed_until
      from candidate c
    ),
    stepped as (
      -- nextStepAt: the snooze's end, or the next step's time (owner steps skipped while snoozed)
      select e.*, least(e.new_snoozed_until, case
          when e.new_snoozed_until is not null and e.new_step + 1 <= 2 then e.at[3]
          when e.new_step + 1 <= 4 then e.at[e.new_step + 1] end) as new_next_step_at,
        case
          when e.event in ('prompt', 'chase', 'snoozed') and e.owner_role = 'oic' then e.oic_upn
          when e.event in ('prompt', 'chase', 'snoozed') and e.owner_role = 'supervisor' then e.supervisor_upn
          when e.event = 'escalate_supervisor' and e.owner_role = 'oic' then e.supervisor_upn
        end as person_upn,
        (e.event in ('prompt', 'chase', 'snoozed') and e.owner_role = 'coordinator')
          or (e.event = 'escalate_supervisor' and e.owner_role <> 'oic') as to_coordinators,
        e.event in ('prompt', 'chase', 'snoozed') and e.owner_role = 'manager' as to_managers
      from evented e
    ),
    reached as (
      select s.id, u.id as user_id from stepped s join users u on u.upn = s.person_upn and u.teams_id is not null
      union
      select s.id, u.id from stepped s join users u
        on s.to_coordinators and u.teams_id is not null and 'coordinator' = any(u.roles)
        and ('*' = any(u.districts) or exists (select 1 from unnest(u.districts) d where lower(d) = lower(s.district)))
      union
      select s.id, u.id from stepped s join users u
        on s.to_managers and u.teams_id is not null and 'manager' = any(u.roles)
        and ('*' = any(u.districts) or exists (select 1 from unnest(u.districts) d where lower(d) = lower(s.district)))
    ),
    channels as (
      select distinct s.id, sub.conversation_id
      from stepped s
      join review_subscriptions sub on sub.district = '*' or lower(sub.district) = lower(s.district)
      join conversations c on c.id = sub.conversation_id and c.active
      where s.event = 'escalate_channel' or (s.event is not null and not exists (select 1 from reached r where r.id = s.id))
    ),
    targets as (
      select r.id, 'user:' || r.user_id as conversation_id, false as unreachable from reached r
      union all
      select ch.id, ch.conversation_id, s.event <> 'escalate_channel' from channels ch join stepped s on s.id = ch.id
    ),
    keyed as (
      -- One key per review, step and recipient conversation: queued once, ever, alone or in a card with others.
      select t.id, t.conversation_id, t.unreachable, s.event, s.district, s.next_step_at,
        'sr:' || s.id || ':' || s.event || ':' || case when s.event = 'snoozed' then s.snooze_count else 0 end || ':' || t.conversation_id as key
      from targets t join stepped s on s.id = t.id
    ),
    fresh as (
      select k.*, count(*) over (partition by k.conversation_id) as n
      from keyed k where not exists (select 1 from outbox o where o.dedupe_key = k.key)
    ),
    batches as (
      -- Two or more due for one conversation: ONE card listing them (issue 13 item 2, issue 12 item 7).
      select f.conversation_id, min(f.next_step_at) as sort_at,
        'srb:' || f.conversation_id || ':' || md5(string_agg(f.key, ',' order by f.key)) as key,
        jsonb_agg(jsonb_build_object('scheduledReviewId', f.id, 'step', f.event, 'unreachable', f.unreachable, 'district', f.district)
          order by f.next_step_at, f.id) as items
      from fresh f where f.n > 1 group by f.conversation_id
    ),
    queued as (
      insert into outbox (dedupe_key, kind, conversation_id, payload, next_attempt_at, status, last_error)
      select q.key, q.kind, q.conversation_id, q.payload, ${now}, q.status, q.note from (
        -- Each item keeps its own row (its key, read back by later sweeps and by retention); one
        -- listed on a card with others is set aside at once, naming the card that carries it.
        select f.key, 'review_prompt' as kind, f.conversation_id,
          jsonb_build_object('type', 'review_prompt', 'scheduledReviewId', f.id, 'step', f.event, 'mode', 'post',
            'unreachable', f.unreachable, 'district', f.district) as payload,
          case when b.key is null then 'pending' else 'skipped' end as status,
          case when b.key is not null then 'sent on one card with the others due: ' || b.key end as note,
          f.next_step_at as sort_at, f.id::text as tie
        from fresh f left join batches b on b.conversation_id = f.conversation_id
        union all
        select b.key, 'review_prompt_batch', b.conversation_id,
          jsonb_build_object('type', 'review_prompt_batch', 'batchKey', b.key, 'mode', 'post', 'items', b.items),
          'pending', null, b.sort_at, ''
        from batches b
      ) q
      order by q.sort_at, q.tie, q.conversation_id
      on conflict (dedupe_key) do nothing
      returning status
    ),
    advanced as (
      update scheduled_reviews r
      set step = s.new_step, snoozed_until = s.new_snoozed_until, next_step_at = s.new_next_step_at, updated_at = ${now}
      from stepped s where r.id = s.id
      returning r.occurrence_id, r.kind, r.step, s.occurrence_status
    )
    select (select count(*) from claimed)::int as processed,
      (select count(*) from queued where status = 'pending')::int as queued,
      (select array_agg(distinct a.occurrence_id) from advanced a
        where a.kind = 'monthly_review' and a.step >= 2 and a.occurrence_status = 'open') as monthly_due`.execute(trx);
  const row = res.rows[0]!;
  return { processed: Number(row.processed), queued: Number(row.queued), monthlyDue: (row.monthly_due ?? []).map(String) };
}
