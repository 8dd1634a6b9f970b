import type { LoaderFunctionArgs } from "@remix-run/node";
import { DATASETS } from "~/domain/open-data/catalog.server";
import { describeDatasets, MAX_RANGE_DAYS, OPEN_DATA_PAGE, openDataJson } from "~/server/open-data.server";
import { getT } from "~/utils/i18n.server";

/** The open data API's index: every dataset with its fields, filters and sorts (decision 024). */
export async function loader({ request }: LoaderFunctionArgs) {
  const t = await getT(request);
  return openDataJson(request, {
    documentation: "/data",
    paging: {
      per_page: OPEN_DATA_PAGE.json,
      csv_per_page: OPEN_DATA_PAGE.csv,
      cursor: t("open_data.api.cursor"),
      max_range_days: MAX_RANGE_DAYS,
    },
    datasets: describeDatasets(DATASETS, t),
  });
}
