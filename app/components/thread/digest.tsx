import { Link } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { RelativeTime } from "~/components/relative-time";
import { messageHref, RECENT_DAYS, type DigestMessage, type ThreadDigestView } from "~/domain/threads/digest-view";
import { formatDate } from "~/utils/persian";

/** A Tehran calendar day (YYYY-MM-DD) as a Jalali date. */
function dayDate(day: string, language: string) {
  return formatDate(new Date(`${day}T12:00:00+03:30`), language, "long");
}

function Excerpt({ message }: { message: DigestMessage }) {
  const { t } = useTranslation();
  if (message.state !== "visible") {
    return <em className="muted digest__gone">{t(message.state === "hidden" ? "digest.hidden_message" : "digest.deleted_message")}</em>;
  }
  return <span dir="auto">{message.excerpt}</span>;
}

function MessageList({ threadId, messages, countKey }: { threadId: string; messages: DigestMessage[]; countKey: string }) {
  const { t } = useTranslation();
  return (
    <ol className="digest__messages">
      {messages.map((m) => (
        <li key={m.id}>
          <p className="small digest__message-head">
            <strong dir="auto">{m.authorName ?? t("thread.someone")}</strong>
            <span className="chip">{t(countKey, { count: m.count })}</span>
          </p>
          <p className="digest__excerpt">
            <Excerpt message={m} />
          </p>
          <Link className="small" to={messageHref(threadId, m)}>
            {t("digest.go_to_message")}
          </Link>
        </li>
      ))}
    </ol>
  );
}

function KeyTerms({ digest }: { digest: ThreadDigestView }) {
  const { t } = useTranslation();
  if (!digest.keyTerms.length) return <p className="small muted">{t("digest.no_terms")}</p>;
  return (
    <ul className="chips digest__terms" aria-label={t("digest.section.terms")}>
      {digest.keyTerms.map((k) => (
        <li key={k.term} className="chip chip--accent">
          <span dir="auto">{k.term}</span> <span className="digest__term-count">{t("common.count", { count: k.count })}</span>
        </li>
      ))}
    </ul>
  );
}

/** The moderation and escalation lines: hidden, deleted, official answers, reports, the desk. */
function ModerationLines({ digest }: { digest: ThreadDigestView }) {
  const { t } = useTranslation();
  const m = digest.moderation;
  const e = digest.escalation;
  const lines = [
    m.hiddenByReports ? t("digest.hidden_by_reports", { count: m.hiddenByReports }) : null,
    m.hiddenByModerator ? t("digest.hidden_by_moderator", { count: m.hiddenByModerator }) : null,
    m.deleted ? t("digest.deleted", { count: m.deleted }) : null,
    m.official ? t("digest.official", { count: m.official }) : null,
    m.reports ? t("digest.reports", { count: m.reports, open: m.openReports ?? 0 }) : null,
    e?.escalated ? t("digest.escalated") : null,
    e?.surfaced ? t("digest.surfaced") : null,
    e ? t("digest.desk_state", { state: t(`desk.state.${e.state}`), urgency: t(`desk.urgency.${e.urgency}`) }) : null,
  ].filter((line): line is string => Boolean(line));
  if (!lines.length) return <p className="small muted">{t("digest.no_moderation")}</p>;
  return (
    <ul className="small digest__lines">
      {lines.map((line) => (
        <li key={line}>{line}</li>
      ))}
    </ul>
  );
}

function SinceVisitLines({ digest }: { digest: ThreadDigestView }) {
  const { t, i18n } = useTranslation();
  const s = digest.sinceVisit;
  if (!s) return null;
  const lines = [
    t(s.newMessagesCapped ? "digest.new_messages_more" : "digest.new_messages", { count: s.newMessages }),
    t("digest.new_participants", { count: s.newParticipants }),
    ...s.threadChanges.map((c) => t(`digest.change.${c.kind}`, { count: c.count })),
    s.statusChanges && s.status ? t("digest.status_changes", { count: s.statusChanges, status: t(`proposal.status.${s.status}`) }) : null,
    s.deskChanges ? t("digest.desk_changes", { count: s.deskChanges }) : null,
  ].filter((line): line is string => Boolean(line));
  return (
    <section className="digest__since" aria-labelledby={`digest-since-${digest.threadId}`}>
      <h3 id={`digest-since-${digest.threadId}`}>
        {s.since ? t("digest.section.since_date", { date: formatDate(s.since, i18n.language, "datetime") }) : t("digest.section.since")}
      </h3>
      <ul className="small digest__lines">
        {lines.map((line) => (
          <li key={line}>{line}</li>
        ))}
      </ul>
    </section>
  );
}

/** The counts in one line: messages, people, since when. */
function Headline({ digest }: { digest: ThreadDigestView }) {
  const { t, i18n } = useTranslation();
  return (
    <>
      {t("digest.messages", { count: digest.messages })}
      {t("history.separator")}
      {t("digest.participants", { count: digest.participants })}
      {digest.firstAt ? (
        <>
          {t("history.separator")}
          {t("digest.since", { date: formatDate(digest.firstAt, i18n.language) })}
        </>
      ) : null}
    </>
  );
}

/** The digest's body: every section, for the top of a thread and for its own page. */
export function DigestBody({ digest }: { digest: ThreadDigestView }) {
  const { t, i18n } = useTranslation();
  const id = digest.threadId;
  return (
    <div className="digest__body">
      <SinceVisitLines digest={digest} />
      <section aria-labelledby={`digest-people-${id}`}>
        <h3 id={`digest-people-${id}`}>{t("digest.section.people")}</h3>
        <p className="small">{t("digest.participants_line", { count: digest.participants })}</p>
        {digest.topParticipants.length ? (
          <ol className="small digest__people" aria-label={t("digest.top_participants")}>
            {digest.topParticipants.map((p, i) => (
              <li key={i}>
                <span dir="auto">{p.name ?? t("thread.someone")}</span>{" "}
                <span className="muted">{t("digest.messages", { count: p.count })}</span>
              </li>
            ))}
          </ol>
        ) : null}
      </section>
      <section aria-labelledby={`digest-time-${id}`}>
        <h3 id={`digest-time-${id}`}>{t("digest.section.time")}</h3>
        <ul className="small digest__lines">
          {digest.firstAt ? <li>{t("digest.first_message", { date: formatDate(digest.firstAt, i18n.language, "datetime") })}</li> : null}
          {digest.lastAt ? <li>{t("digest.last_message", { date: formatDate(digest.lastAt, i18n.language, "datetime") })}</li> : null}
          <li>{t("digest.per_day", { rate: digest.perDay })}</li>
          <li>
            {t("digest.recent_per_day", { days: RECENT_DAYS, rate: digest.recentPerDay })}{" "}
            <span className={`chip${digest.pace === "faster" ? " chip--warn" : ""}`}>{t(`digest.pace.${digest.pace}`)}</span>
          </li>
          {digest.busiestDay ? (
            <li>{t("digest.busiest_day", { date: dayDate(digest.busiestDay.day, i18n.language), count: digest.busiestDay.count })}</li>
          ) : null}
        </ul>
      </section>
      <section aria-labelledby={`digest-terms-${id}`}>
        <h3 id={`digest-terms-${id}`}>{t("digest.section.terms")}</h3>
        <KeyTerms digest={digest} />
        <p className="small muted">{t("digest.terms_sample", { count: digest.keyTermSample })}</p>
      </section>
      {digest.mostReplied.length ? (
        <section aria-labelledby={`digest-replied-${id}`}>
          <h3 id={`digest-replied-${id}`}>{t("digest.section.replied")}</h3>
          <MessageList threadId={id} messages={digest.mostReplied} countKey="digest.replies" />
        </section>
      ) : null}
      {digest.mostReported?.length ? (
        <section aria-labelledby={`digest-reported-${id}`}>
          <h3 id={`digest-reported-${id}`}>{t("digest.section.reported")}</h3>
          <MessageList threadId={id} messages={digest.mostReported} countKey="digest.reports_on" />
        </section>
      ) : null}
      <section aria-labelledby={`digest-moderation-${id}`}>
        <h3 id={`digest-moderation-${id}`}>{t("digest.section.moderation")}</h3>
        <ModerationLines digest={digest} />
      </section>
      <p className="small muted">
        {t("digest.computed")} <RelativeTime value={digest.computedAt} />
      </p>
    </div>
  );
}

/**
 * A long discussion's digest at the top of its thread: closed, in a <details> (it opens without
 * JavaScript), its one line saying how many messages from how many people since when.
 */
export function ThreadDigest({ digest }: { digest: ThreadDigestView }) {
  const { t } = useTranslation();
  return (
    <details className="digest" data-digest={digest.threadId}>
      <summary>
        <strong>{t("digest.title")}</strong>{" "}
        <span className="small muted">
          <Headline digest={digest} />
        </span>
        {digest.sinceVisit?.newMessages ? (
          <span className="chip chip--accent">
            {t(digest.sinceVisit.newMessagesCapped ? "digest.new_messages_more" : "digest.new_messages", {
              count: digest.sinceVisit.newMessages,
            })}
          </span>
        ) : null}
      </summary>
      <DigestBody digest={digest} />
      <p className="small">
        <Link to={`/threads/${digest.threadId}/digest`}>{t("digest.full_page")}</Link>
      </p>
    </details>
  );
}

/** The digest on the deputy's desk: the counts, the pace, the terms, what is new; the rest on its page. */
export function CompactDigest({ digest }: { digest: ThreadDigestView }) {
  const { t } = useTranslation();
  const s = digest.sinceVisit;
  return (
    <div className="digest digest--compact" data-digest={digest.threadId}>
      <p className="small">
        <strong>{t("digest.title")}: </strong>
        <Headline digest={digest} />
        {t("history.separator")}
        {t("digest.recent_per_day", { days: RECENT_DAYS, rate: digest.recentPerDay })}{" "}
        <span className={`chip${digest.pace === "faster" ? " chip--warn" : ""}`}>{t(`digest.pace.${digest.pace}`)}</span>
      </p>
      {s ? (
        <p className="small">
          {t("digest.section.since")}:{" "}
          {t(s.newMessagesCapped ? "digest.new_messages_more" : "digest.new_messages", { count: s.newMessages })}
          {t("history.separator")}
          {t("digest.new_participants", { count: s.newParticipants })}
        </p>
      ) : null}
      <KeyTerms digest={{ ...digest, keyTerms: digest.keyTerms.slice(0, 6) }} />
      <p className="small">
        {digest.moderation.hiddenByReports + digest.moderation.hiddenByModerator
          ? t("digest.hidden_total", { count: digest.moderation.hiddenByReports + digest.moderation.hiddenByModerator })
          : t("digest.none_hidden")}
        {digest.moderation.reports ? (
          <>
            {t("history.separator")}
            {t("digest.reports", { count: digest.moderation.reports, open: digest.moderation.openReports ?? 0 })}
          </>
        ) : null}
        {t("history.separator")}
        <Link to={`/threads/${digest.threadId}/digest`}>{t("digest.full_page")}</Link>
      </p>
    </div>
  );
}
