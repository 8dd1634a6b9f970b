import type { Dataset } from "./dataset.server";
import { meetingsDataset, minutesDataset, minutesDecisionsDataset } from "./meetings.server";
import { councilsDataset, districtsDataset, neighborhoodsDataset } from "./places.server";
import { policiesDataset } from "./policies.server";
import { decisionsDataset, proposalsDataset, votesDataset } from "./proposals.server";

/** Every open dataset, in the order the data page lists them. Nothing else is published. */
export const DATASETS: readonly Dataset[] = [
  districtsDataset,
  neighborhoodsDataset,
  councilsDataset,
  proposalsDataset,
  votesDataset,
  decisionsDataset,
  meetingsDataset,
  minutesDataset,
  minutesDecisionsDataset,
  policiesDataset,
];

/** The dataset of that name, or null (looked up in the list: a name like "constructor" finds nothing). */
export function datasetNamed(name: string): Dataset | null {
  return DATASETS.find((d) => d.name === name) ?? null;
}

export type { Dataset, FieldDef, FieldType, OpenRow, PageRequest } from "./dataset.server";
export { readPage } from "./dataset.server";
