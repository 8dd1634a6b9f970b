import type { LoaderFunctionArgs } from "@remix-run/node";
import { DATASETS, datasetNamed, readPage } from "~/domain/open-data/catalog.server";
import {
  datasetAddress,
  nextUrl,
  openDataCsv,
  openDataErrorResponse,
  openDataJson,
  readOpenDataRequest,
  serializeRows,
} from "~/server/open-data.server";
import { getT } from "~/utils/i18n.server";

/**
 * One open dataset, a page at a time: `/api/v1/proposals` as JSON, `/api/v1/proposals.csv` as a
 * spreadsheet file. Read-only, for anyone, from the same declaration either way (decision 024).
 */
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const t = await getT(request);
  const { name, format } = datasetAddress(params.dataset);
  const dataset = datasetNamed(name);
  if (!dataset)
    return openDataErrorResponse({
      status: 404,
      code: "dataset_unknown",
      message: t("open_data.errors.dataset_unknown", { known: DATASETS.map((d) => d.name).join("، ") }),
    });
  const url = new URL(request.url);
  const parsed = readOpenDataRequest(url, dataset, format, t);
  if (!parsed.ok) return openDataErrorResponse(parsed.error);
  const page = await readPage(context.visitorDb, dataset, parsed.request);
  const next = nextUrl(url, page.next);
  if (format === "csv") return openDataCsv(request, dataset, page.rows, t, next);
  const { sort, descending, limit } = parsed.request;
  return openDataJson(
    request,
    {
      dataset: dataset.name,
      sort: `${descending ? "-" : ""}${sort.name}`,
      per_page: limit,
      count: page.rows.length,
      items: serializeRows(dataset, page.rows),
      next,
    },
    next,
  );
}
