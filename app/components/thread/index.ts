/**
 * A discussion thread on a page. The pieces, each in its own file:
 *   thread.tsx            the section: header, list, composer, panels
 *   state.ts              what the browser keeps (messages merged by version, lock, pin, counts)
 *   live.ts               the socket wiring (numbered events, presence, standing changes)
 *   thread-form.tsx       one small form (fetcher with JavaScript, plain form without), button and reason forms
 *   composer.tsx          writing a message
 *   message.tsx           one message and its menu
 *   moderation.tsx        a moderator's tools on a message and on the thread
 *   report-dialog.tsx     the thread's one report form, in a dialog (with JavaScript)
 *   escalation-panel.tsx  sending the thread to the district's deputy
 *   digest.tsx            a long discussion's digest (at its top, on its own page, on the deputy's desk)
 *   orphan-refusal.ts     a refusal whose form is no longer on the page
 */
export { Thread } from "./thread";
export { CompactDigest, DigestBody, ThreadDigest } from "./digest";
export type { ThreadActionResult } from "./types";
