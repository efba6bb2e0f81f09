import type { Entity } from '@insure/model/entity';
import type { Row } from '../../db/database.ts';
import type { WriteContext } from '../../entities/context.ts';
import { columnsToField } from '../../entities/row-mapper.ts';
import { AppError, type FieldReasons } from '../../platform/errors.ts';
import { productViolations } from './insurance.rules.ts';

/** The value a field will have after a write: the submitted one, else the stored one. */
export function valueAfter(entity: Entity, input: Record<string, unknown>, existing: Row | null, name: string): unknown {
  if (input[name] !== undefined) return input[name];
  return existing ? columnsToField(entity.fields[name]!, name, existing) : null;
}

/**
 * Refuses a signing or policy that breaks its product's terms (on sale, insurable age at the start date,
 * sum-insured range), naming the field and the limits; fills the insurance type from the product.
 */
export async function checkAgainstProduct(ctx: WriteContext, entity: Entity, input: Record<string, unknown>, existing: Row | null, fields: { insured: string[]; start: string }) {
  const productId = valueAfter(entity, input, existing, 'productId') as number | null;
  if (productId == null) return;
  const product = await ctx.trx.selectFrom('products').selectAll().where('id', '=', productId).where('deleted_at', 'is', null).executeTakeFirst();
  if (!product) return; // the generic reference check explains a missing product
  const insuredField = fields.insured.find((name) => valueAfter(entity, input, existing, name) != null) ?? fields.insured[0]!;
  const insuredId = valueAfter(entity, input, existing, insuredField) as number | null;
  const insured = insuredId ? await ctx.trx.selectFrom('customers').select('birth_date').where('id', '=', insuredId).executeTakeFirst() : undefined;
  const cents = (value: unknown) => (value == null ? null : Number(value) / 100);
  const problems = productViolations(
    {
      status: String(product.status),
      minAge: product.min_age == null ? null : Number(product.min_age),
      maxAge: product.max_age == null ? null : Number(product.max_age),
      sumInsuredMin: cents(product.sum_insured_min),
      sumInsuredMax: cents(product.sum_insured_max),
    },
    insured?.birth_date ? String(insured.birth_date).slice(0, 10) : null,
    valueAfter(entity, input, existing, fields.start) as string | null,
    valueAfter(entity, input, existing, 'sumInsured') as number | null,
  );
  if (problems.length) {
    const reasons: FieldReasons = {};
    for (const problem of problems) reasons[problem.field === 'insured' ? insuredField : problem.field] = { reason: problem.reason, params: problem.params };
    throw new AppError('VALIDATION', {}, reasons);
  }
  if (input.insuranceType === undefined && !existing) input.insuranceType = product.insurance_type;
}
