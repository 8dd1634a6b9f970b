import { getFormProps } from "@conform-to/react";
import { useAppForm } from "~/components/app-form";
import { parseWithZod } from "@conform-to/zod";
import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { CharterFields } from "~/components/charter-fields";
import { FormErrors, Notice, TextAreaField, TextField } from "~/components/form-field";
import { Breadcrumbs } from "~/components/breadcrumbs";
import { CHARTER_DEFAULTS, tehranToday } from "~/domain/charter";
import { councilOfNeighborhood, createCouncil, getNeighborhood, updateNeighborhood } from "~/domain/councils.server";
import { CharterSchema, NeighborhoodSchema } from "~/forms/councils";
import type { FormReply } from "~/forms/reply";
import { SERVER_EVENTS } from "~/realtime/events";
import { notifyCityChanged, notifyCouncilChanged } from "~/realtime/notify.server";
import { setFlash } from "~/utils/flash.server";
import { invariantFound, isUuid, requireUserWith } from "~/server/guards.server";
import { intent, runIntent } from "~/server/intent.server";
import { can } from "~/utils/permissions";
import { getLocale, getT } from "~/utils/i18n.server";
import { parseJalaliDate, toJalaliInput, toPersianDigits } from "~/utils/persian";

async function guard({ request, context, params }: LoaderFunctionArgs) {
  const neighborhood = invariantFound(isUuid(params.neighborhoodId) ? await getNeighborhood(context.db, params.neighborhoodId) : null);
  const user = await requireUserWith(request, context, "neighborhood.manage", { kind: "district", districtId: neighborhood.districtId });
  return { user, neighborhood };
}

/** The same day two years on, on the Jalali calendar (Esfand 30 falls back a day when that year has none). */
function twoYearsLater(isoDate: string) {
  const [y, m, d] = toJalaliInput(isoDate, "latn").split("/").map(Number) as [number, number, number];
  const pad = (v: number) => String(v).padStart(2, "0");
  return parseJalaliDate(`${y + 2}/${pad(m)}/${pad(d)}`) ?? parseJalaliDate(`${y + 2}/${pad(m)}/${pad(d - 1)}`)!;
}

export async function loader(args: LoaderFunctionArgs) {
  const { neighborhood } = await guard(args);
  const { context, request } = args;
  const [council, t, locale] = await Promise.all([councilOfNeighborhood(context.db, neighborhood.id), getT(request), getLocale(request)]);
  // Defaults are typed in the digits the person reads; the schema accepts both.
  const digits = locale === "fa" ? "fa" : "latn";
  const n = (value: number) => (digits === "fa" ? toPersianDigits(value) : String(value));
  const today = tehranToday();
  return {
    title: `${neighborhood.name} · ${t("manage.title")}`,
    districtId: neighborhood.districtId,
    neighborhood: {
      id: neighborhood.id,
      name: neighborhood.name,
      description: neighborhood.description,
      boundary: neighborhood.boundary ? JSON.stringify(neighborhood.boundary) : "",
      population: neighborhood.population === null ? "" : n(neighborhood.population),
    },
    council: council ? { id: council.id, status: council.status } : null,
    charterDefaults: {
      termStart: toJalaliInput(today, digits),
      termEnd: toJalaliInput(twoYearsLater(today), digits),
      quorumPercent: n(CHARTER_DEFAULTS.quorumPercent),
      votingPeriodDays: n(CHARTER_DEFAULTS.votingPeriodDays),
      majorityRule: CHARTER_DEFAULTS.majorityRule,
      proposers: CHARTER_DEFAULTS.proposers,
      supportThreshold: n(CHARTER_DEFAULTS.supportThreshold),
      authorMaySupport: CHARTER_DEFAULTS.authorMaySupport ? "yes" : "no",
      ballot: CHARTER_DEFAULTS.ballot,
      reportsToHide: n(CHARTER_DEFAULTS.reportsToHide),
      threadPosters: CHARTER_DEFAULTS.threadPosters,
      chairsModerate: CHARTER_DEFAULTS.chairsModerate ? "yes" : "no",
    },
  };
}

export async function action(args: ActionFunctionArgs) {
  const { user, neighborhood } = await guard(args);
  const { context } = args;
  const scope = { kind: "district" as const, districtId: neighborhood.districtId };
  return runIntent(await args.request.formData(), {
    edit: intent({
      schema: NeighborhoodSchema,
      guard: () => can(user, "neighborhood.manage", scope),
      run: async (value) => {
        const outcome = await updateNeighborhood(context.db, user.id, neighborhood.id, value, context.requestId);
        if (!outcome.ok) return outcome;
        notifyCityChanged(context.io);
        context.io.in(`district-staff:${neighborhood.districtId}`).emit(SERVER_EVENTS.districtChanged);
        return { ok: true, done: "neighborhood_saved" };
      },
    }),
    "create-council": intent({
      schema: CharterSchema,
      guard: () => can(user, "council.manage", scope),
      run: async (value) => {
        const outcome = await createCouncil(context.db, user.id, neighborhood.id, value, context.requestId);
        if (!outcome.ok) return outcome;
        notifyCouncilChanged(context.io, { id: outcome.id, districtId: neighborhood.districtId });
        return redirect(`/manage/councils/${outcome.id}`, { headers: { "Set-Cookie": await setFlash("saved") } });
      },
    }),
  });
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title }];

export default function ManageNeighborhood() {
  const { districtId, neighborhood, council, charterDefaults } = useLoaderData<typeof loader>();
  const actionData = useActionData<FormReply>();
  const { t } = useTranslation();
  const busy = useNavigation().state === "submitting";
  const [editForm, editFields] = useAppForm({
    id: "edit-neighborhood",
    lastResult: actionData?.intent === "edit" ? actionData.result : undefined,
    defaultValue: {
      name: neighborhood.name,
      description: neighborhood.description,
      boundary: neighborhood.boundary,
      population: neighborhood.population,
    },
    onValidate: ({ formData }) => parseWithZod(formData, { schema: NeighborhoodSchema }),
  });
  const [councilForm, councilFields] = useAppForm({
    id: "new-council",
    lastResult: actionData?.intent === "create-council" ? actionData.result : undefined,
    defaultValue: charterDefaults,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: CharterSchema }),
  });

  return (
    <div className="stack">
      <Breadcrumbs
        trail={[
          { to: `/manage/districts/${districtId}`, label: t("manage.tab_overview") },
          { label: neighborhood.name, dir: "auto" },
        ]}
      />
      <h2>{t("manage.neighborhood_heading", { name: neighborhood.name })}</h2>
      {actionData?.done ? <Notice tone="success">{t(`manage.done_${actionData.done}`)}</Notice> : null}

      <div className="columns">
        {council ? (
          <section className="card stack">
            <h3>{t("manage.council_title")}</h3>
            <p>
              {t("manage.has_council")}{" "}
              <span className={`chip status-chip status-chip--${council.status}`}>{t(`manage.status_${council.status}`)}</span>
            </p>
            <p>
              <Link to={`/manage/councils/${council.id}`} className="button">
                {t("manage.open_council")}
              </Link>
            </p>
          </section>
        ) : (
          <section className="card stack" aria-labelledby="new-council-title">
            <h3 id="new-council-title">{t("manage.form_council")}</h3>
            <p className="muted small">{t("manage.form_council_intro")}</p>
            <Form method="post" {...getFormProps(councilForm)} className="form">
              <FormErrors errors={councilForm.errors} />
              <CharterFields fields={councilFields} />
              <button type="submit" name="intent" value="create-council" className="button" disabled={busy}>
                {t("manage.form_council_submit")}
              </button>
            </Form>
          </section>
        )}

        <section className="card stack" aria-labelledby="edit-title">
          <h3 id="edit-title">{t("manage.edit_neighborhood")}</h3>
          <Form method="post" {...getFormProps(editForm)} className="form">
            <FormErrors errors={editForm.errors} />
            <TextField field={editFields.name} label={t("manage.neighborhood_name")} />
            <TextAreaField
              field={editFields.description}
              label={t("manage.neighborhood_identity")}
              hint={t("manage.neighborhood_identity_hint")}
            />
            <TextField
              field={editFields.population}
              label={t("manage.population_label")}
              hint={t("manage.population_hint")}
              ltr
              inputProps={{ inputMode: "numeric" }}
            />
            <details className="manage-details" open={editFields.boundary.errors?.length ? true : undefined}>
              <summary>{neighborhood.boundary ? t("manage.boundary_saved") : t("manage.boundary_optional")}</summary>
              <div className="manage-boundary">
                <TextAreaField
                  field={editFields.boundary}
                  label={t("manage.boundary_label")}
                  hint={t("manage.boundary_hint_edit")}
                  rows={5}
                />
              </div>
            </details>
            <button type="submit" name="intent" value="edit" className="button" disabled={busy}>
              {t("common.save")}
            </button>
          </Form>
        </section>
      </div>
    </div>
  );
}

export { RouteErrorBoundary as ErrorBoundary } from "~/components/route-error";
