export type BallotKind = "open" | "secret";
export type VoteStatus = "open" | "closed";

/** What anyone but the voter may see of a vote, at a given moment (docs/decisions/013). */
export interface BallotDisclosure {
  /** The for / against / abstain totals. */
  tally: boolean;
  /** Who has voted, with what each chose (an open ballot is a roll call). */
  roll: boolean;
  /** Whether a change of a single ballot may be announced live. */
  liveBallots: boolean;
}

/**
 * The one rule for what a vote shows. An open ballot is public as it happens: totals and every
 * member's choice, live. A secret ballot shows nothing while it is open (no totals, no turnout, no
 * names: any number that moves while names or arrivals can be watched tells who chose what), and
 * after it closes only the totals, never who voted.
 */
export function ballotDisclosure(ballot: BallotKind, status: VoteStatus): BallotDisclosure {
  if (ballot === "open") return { tally: true, roll: true, liveBallots: true };
  return { tally: status === "closed", roll: false, liveBallots: false };
}

export interface ShownVoter {
  name: string;
  choice: "for" | "against" | "abstain";
}
