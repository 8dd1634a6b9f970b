import { getFormProps } from "@conform-to/react";
import { useIntentForm } from "~/components/app-form";
import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { FormErrors, TextAreaField, TextField } from "~/components/form-field";
import { getDistrict } from "~/domain/districts.server";
import { createNeighborhood } from "~/domain/neighborhoods.server";
import { NeighborhoodSchema } from "~/forms/councils";
import { notifyCityChanged } from "~/realtime/notify.server";
import { SERVER_EVENTS } from "~/realtime/events";
import { setFlash } from "~/utils/flash.server";
import { invariantFound, isUuid, requireUserWith } from "~/server/guards.server";
import { runForm } from "~/server/intent.server";
import { getT } from "~/utils/i18n.server";

async function guard({ request, context, params }: LoaderFunctionArgs) {
  const districtId = invariantFound(isUuid(params.districtId) ? params.districtId : null);
  const user = await requireUserWith(request, context, "neighborhood.manage", { kind: "district", districtId });
  const district = invariantFound(await getDistrict(context.db, districtId));
  return { user, district };
}

export async function loader(args: LoaderFunctionArgs) {
  const { district } = await guard(args);
  const t = await getT(args.request);
  return { title: `${t("manage.new_neighborhood")} · ${district.name}`, districtId: district.id };
}

export async function action(args: ActionFunctionArgs) {
  const { user, district } = await guard(args);
  const { context } = args;
  return runForm(await args.request.formData(), "new-neighborhood", {
    schema: NeighborhoodSchema,
    run: async (value) => {
      const outcome = await createNeighborhood(context.db, user.id, { districtId: district.id, ...value }, context.requestId);
      if (!outcome.ok) return outcome;
      notifyCityChanged(context.io);
      context.io.in(`district-staff:${district.id}`).emit(SERVER_EVENTS.districtChanged);
      // Next step is its council, on the neighborhood's own page.
      return redirect(`/manage/neighborhoods/${outcome.id}#new-council`, { headers: { "Set-Cookie": await setFlash("saved") } });
    },
  });
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title }];

export default function NewNeighborhood() {
  const { districtId } = useLoaderData<typeof loader>();
  const { t } = useTranslation();
  const busy = useNavigation().state === "submitting";
  const [form, fields] = useIntentForm("new-neighborhood", NeighborhoodSchema);
  return (
    <section className="card manage-narrow">
      <h2>{t("manage.new_neighborhood")}</h2>
      <p className="muted small">{t("manage.new_neighborhood_intro")}</p>
      <Form method="post" {...getFormProps(form)} className="form">
        <FormErrors errors={form.errors} />
        <TextField field={fields.name} label={t("manage.neighborhood_name")} hint={t("manage.neighborhood_name_hint")} />
        <TextAreaField field={fields.description} label={t("manage.neighborhood_identity")} hint={t("manage.neighborhood_identity_hint")} />
        <BoundaryField field={fields.boundary} />
        <div className="form__actions">
          <button type="submit" className="button" disabled={busy}>
            {t("manage.create_neighborhood")}
          </button>
          <Link to={`/manage/districts/${districtId}`} className="button button--ghost">
            {t("common.cancel")}
          </Link>
        </div>
      </Form>
    </section>
  );
}

function BoundaryField({ field }: { field: Parameters<typeof TextAreaField>[0]["field"] }) {
  const { t } = useTranslation();
  return (
    <details className="manage-details" open={field.errors?.length || field.initialValue ? true : undefined}>
      <summary>{t("manage.boundary_optional")}</summary>
      <div className="manage-boundary">
        <TextAreaField field={field} label={t("manage.boundary_label")} hint={t("manage.boundary_hint")} rows={5} />
      </div>
    </details>
  );
}

export { RouteErrorBoundary as ErrorBoundary } from "~/components/route-error";
