import type { ProposalStatus } from "../../db/schema";

/**
 * The life of a proposal, in one place. Every status change in the app goes through
 * `canMove`: each is a guarded update `where status in sourcesOf(to)` (the statuses `canMove`
 * allows a move from), so two simultaneous changes cannot both apply; the database refuses
 * unknown statuses.
 */
export const TRANSITIONS: Record<ProposalStatus, readonly ProposalStatus[]> = {
  open: ["on_agenda", "withdrawn"],
  // A meeting may adopt a proposal on its agenda by a recorded show of hands, when the charter
  // lets it (decision 021): the proposal is adopted when those minutes are approved.
  on_agenda: ["voting", "adopted", "withdrawn"],
  voting: ["adopted", "not_adopted"],
  adopted: ["in_review"],
  not_adopted: [],
  in_review: ["accepted", "declined", "returned", "referred_unit"],
  // Returned for revision: the council takes it up again.
  returned: ["on_agenda"],
  accepted: ["in_progress", "done"],
  referred_unit: ["in_progress", "done"],
  declined: [],
  in_progress: ["done"],
  done: [],
  withdrawn: [],
};

export function canMove(from: ProposalStatus, to: ProposalStatus) {
  return TRANSITIONS[from].includes(to);
}

/** The statuses a proposal may be in for a move to `to`: the guard of the update. */
export function sourcesOf(to: ProposalStatus): ProposalStatus[] {
  return (Object.keys(TRANSITIONS) as ProposalStatus[]).filter((from) => canMove(from, to));
}

/** Still gathering supports (and so editable until the first one, supportable, withdrawable). */
export const isOpenForSupport = (status: ProposalStatus) => status === "open";

export const isFinal = (status: ProposalStatus) => TRANSITIONS[status].length === 0;

/** Status groups shown as filters on the lists. */
export const STATUS_GROUPS = {
  open: ["open"],
  agenda: ["on_agenda", "voting"],
  decided: ["adopted", "not_adopted"],
  review: ["in_review", "returned"],
  outcome: ["accepted", "declined", "referred_unit", "in_progress", "done"],
  withdrawn: ["withdrawn"],
} as const satisfies Record<string, readonly ProposalStatus[]>;
