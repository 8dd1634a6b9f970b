import { getFormProps } from "@conform-to/react";
import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { useIntentForm } from "~/components/app-form";
import { FormErrors, Notice, TextField } from "~/components/form-field";
import {
  confirmCounterRequest,
  counterRequestInDistrict,
  createCounterOffice,
  listCounterOffices,
  startCounterSupport,
} from "~/domain/counter-offices.server";
import { getDistrict } from "~/domain/districts.server";
import { CounterConfirmSchema, CounterOfficeSchema, CounterStartSchema } from "~/forms/counter";
import { intent, runIntent } from "~/server/intent.server";
import { invariantFound, isUuid, requireUserWith } from "~/server/guards.server";
import { getT } from "~/utils/i18n.server";
import { can } from "~/utils/permissions";
import { toPersianDigits } from "~/utils/persian";
import { queryField, readQuery } from "~/utils/query";

/**
 * The district's counter offices (دفاتر پیشخوان): an operator with the file-on-behalf power starts a
 * support for a resident (their number and the proposal's number), types the code the resident got
 * by SMS, and sees the tracking code (کد رهگیری) the resident is sent. The office and the request
 * come from the address (`?office=…&request=…`), never from the form.
 */
const Query = { office: queryField.uuid(), request: queryField.uuid() };

async function load(request: Request, context: LoaderFunctionArgs["context"], districtIdParam: string | undefined) {
  const districtId = invariantFound(isUuid(districtIdParam) ? districtIdParam : null);
  const scope = { kind: "district", districtId } as const;
  const user = await requireUserWith(request, context, "district.file_on_behalf", scope);
  const district = invariantFound(await getDistrict(context.db, districtId));
  const { values } = readQuery(request, Query);
  const offices = await listCounterOffices(context.db, districtId);
  // An office or a request of another district is not found, alike.
  const office = values.office ? invariantFound(offices.find((o) => o.id === values.office)) : null;
  const counterRequest = values.request ? invariantFound(await counterRequestInDistrict(context.db, values.request, districtId)) : null;
  if (counterRequest && office && counterRequest.officeId !== office.id) invariantFound(null);
  return { user, scope, district, offices, office, counterRequest };
}

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { user, scope, district, offices, office, counterRequest } = await load(request, context, params.districtId);
  const t = await getT(request);
  return {
    title: `${t("inbox.counter.page.title")} · ${district.name}`,
    districtId: district.id,
    mayCreateOffice: can(user, "district.manage", scope),
    offices: offices.map((o) => ({ id: o.id, name: o.name, code: o.code })),
    office: office ? { id: office.id, name: office.name, code: office.code } : null,
    counterRequest: counterRequest
      ? {
          id: counterRequest.id,
          status:
            counterRequest.status !== "pending" || counterRequest.expiresAt.getTime() >= Date.now() ? counterRequest.status : "expired",
          outcome: counterRequest.outcome,
          trackingCode: counterRequest.trackingCode,
          proposalNumber: counterRequest.proposalNumber,
          proposalTitle: counterRequest.proposalTitle,
        }
      : null,
  };
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const { user, scope, district, office, counterRequest } = await load(request, context, params.districtId);
  const base = `/manage/districts/${district.id}/counter`;
  const secret = context.env.SESSION_SECRET;
  return runIntent(await request.formData(), {
    office: intent({
      schema: CounterOfficeSchema,
      guard: () => can(user, "district.manage", scope),
      run: async (value) => {
        const made = await createCounterOffice(context.db, { districtId: district.id, name: value.name, code: value.code });
        return made.ok ? redirect(`${base}?office=${made.id}`) : { ok: false as const, error: `counter_${made.error}` };
      },
      fields: { counter_office_code_taken: "code" },
    }),
    start: intent({
      schema: CounterStartSchema,
      guard: () => Boolean(office),
      run: async (value) => {
        const started = await startCounterSupport(context.db, {
          officeId: office!.id,
          operator: user,
          residentPhone: value.phone,
          proposalNumber: value.proposal,
          secret,
        });
        return started.ok
          ? redirect(`${base}?office=${office!.id}&request=${started.requestId}`)
          : { ok: false as const, error: `counter_${started.error}` };
      },
      fields: { counter_resident_unknown: "phone", counter_proposal_unknown: "proposal", counter_proposal_closed: "proposal" },
    }),
    confirm: intent({
      schema: CounterConfirmSchema,
      guard: () => Boolean(counterRequest),
      run: async (value) => {
        const done = await confirmCounterRequest(context.db, {
          requestId: counterRequest!.id,
          operator: user,
          code: value.code,
          secret,
          auditRequestId: context.requestId,
        });
        return done.ok
          ? redirect(`${base}?office=${counterRequest!.officeId}&request=${counterRequest!.id}`)
          : { ok: false as const, error: `counter_${done.error}` };
      },
      fields: { counter_code_wrong: "code", counter_code_expired: "code", counter_too_many_attempts: "code" },
    }),
  });
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title }];

export default function CounterPage() {
  const { districtId, mayCreateOffice, offices, office, counterRequest } = useLoaderData<typeof loader>();
  const { t, i18n } = useTranslation();
  const digits = (s: string | number) => (i18n.language === "fa" ? toPersianDigits(String(s)) : String(s));
  const busy = useNavigation().state !== "idle";
  const base = `/manage/districts/${districtId}/counter`;
  const [officeForm, officeFields] = useIntentForm("office", CounterOfficeSchema);
  const [startForm, startFields] = useIntentForm("start", CounterStartSchema);
  const [confirmForm, confirmFields] = useIntentForm("confirm", CounterConfirmSchema);
  const here = office ? `${base}?office=${office.id}${counterRequest ? `&request=${counterRequest.id}` : ""}` : base;

  return (
    <div className="stack">
      <section className="card stack" aria-labelledby="offices-title">
        <h2 id="offices-title">{t("inbox.counter.page.title")}</h2>
        <p className="muted small">{t("inbox.counter.page.intro")}</p>
        {offices.length ? (
          <ul className="list">
            {offices.map((o) => (
              <li key={o.id} className="list__item">
                <Link to={`${base}?office=${o.id}`} aria-current={office?.id === o.id ? "true" : undefined}>
                  <strong dir="auto">{o.name}</strong>
                </Link>{" "}
                <span className="muted small">{t("inbox.counter.page.licence", { code: digits(o.code) })}</span>
              </li>
            ))}
          </ul>
        ) : (
          <p className="muted">{t("inbox.counter.page.no_offices")}</p>
        )}
        {mayCreateOffice ? (
          <Form method="post" action={base} {...getFormProps(officeForm)} className="form">
            <h3>{t("inbox.counter.page.new_office")}</h3>
            <FormErrors errors={officeForm.errors} />
            <input type="hidden" name="intent" value="office" />
            <TextField field={officeFields.name} label={t("inbox.counter.page.office_name")} />
            <TextField field={officeFields.code} label={t("inbox.counter.page.office_code")} ltr />
            <button type="submit" className="button button--secondary" disabled={busy}>
              {t("inbox.counter.page.create_office")}
            </button>
          </Form>
        ) : null}
      </section>

      {office && !counterRequest ? (
        <section className="card stack" aria-labelledby="start-title">
          <h2 id="start-title">{t("inbox.counter.page.start_title", { office: office.name })}</h2>
          <p className="muted small">{t("inbox.counter.page.start_intro")}</p>
          <Form method="post" action={here} {...getFormProps(startForm)} className="form">
            <FormErrors errors={startForm.errors} />
            <input type="hidden" name="intent" value="start" />
            <TextField
              field={startFields.phone}
              label={t("inbox.counter.page.phone")}
              ltr
              type="tel"
              inputProps={{ inputMode: "tel", autoComplete: "off" }}
            />
            <TextField
              field={startFields.proposal}
              label={t("inbox.counter.page.proposal")}
              ltr
              inputProps={{ inputMode: "numeric", autoComplete: "off" }}
            />
            <button type="submit" className="button" disabled={busy}>
              {t("inbox.counter.page.send_code")}
            </button>
          </Form>
        </section>
      ) : null}

      {office && counterRequest ? (
        <section className="card stack" aria-labelledby="request-title" aria-live="polite">
          <h2 id="request-title">
            {t("inbox.counter.page.request_title", { number: digits(counterRequest.proposalNumber), title: counterRequest.proposalTitle })}
          </h2>
          {counterRequest.status === "pending" ? (
            <Form method="post" action={here} {...getFormProps(confirmForm)} className="form">
              <p className="muted small">{t("inbox.counter.page.code_intro")}</p>
              <FormErrors errors={confirmForm.errors} />
              <input type="hidden" name="intent" value="confirm" />
              <TextField
                field={confirmFields.code}
                label={t("inbox.counter.page.code")}
                ltr
                inputProps={{ inputMode: "numeric", autoComplete: "one-time-code" }}
              />
              <button type="submit" className="button" disabled={busy}>
                {t("inbox.counter.page.confirm")}
              </button>
            </Form>
          ) : counterRequest.status === "expired" ? (
            <Notice tone="error">{t("inbox.counter.page.expired")}</Notice>
          ) : (
            <>
              <Notice tone={counterRequest.status === "done" ? "success" : "error"}>
                {t(counterRequest.status === "done" ? "inbox.counter.page.done" : "inbox.counter.page.refused")}{" "}
                {counterRequest.status !== "done" && counterRequest.outcome
                  ? t(`inbox.track.outcome.${counterRequest.outcome}`, { defaultValue: "" })
                  : null}
              </Notice>
              {counterRequest.trackingCode ? (
                <p className="counter-tracking stack">
                  <span>{t("inbox.counter.page.tracking")}</span>
                  <strong className="tracking-code" dir="ltr">
                    {digits(counterRequest.trackingCode)}
                  </strong>
                  <Link to={`/track?code=${counterRequest.trackingCode}`}>{t("inbox.counter.page.track_link")}</Link>
                </p>
              ) : null}
            </>
          )}
          <Link to={`${base}?office=${office.id}`} className="button button--secondary">
            {t("inbox.counter.page.another")}
          </Link>
        </section>
      ) : null}
    </div>
  );
}

export { RouteErrorBoundary as ErrorBoundary } from "~/components/route-error";
