import { Size, SizeRoundingBehavior } from 'cdk8s';
import { IConstruct } from 'constructs';
import { invalid } from '../errors';

/**
 * A CPU quantity for requests and limits, in whole millicores (what Kubernetes resolves CPU to).
 *
 * The library's own type rather than cdk8s-plus's `Cpu`: each cdk8s-plus line has its own `Cpu`
 * class (cdk8s-plus-28's and cdk8s-plus-33's are distinct jsii types), so naming one in the props
 * would tie every user, in every jsii language, to that one line.
 *
 * @example
 * CpuQuantity.millis(10);   // "10m"
 * CpuQuantity.cores(1);     // "1"
 */
export class CpuQuantity {
  /**
   * A quantity in millicores (a thousandth of a core).
   * @param amount a positive whole number of millicores
   */
  public static millis(amount: number): CpuQuantity {
    return new CpuQuantity(amount, 'millicores');
  }

  /**
   * A quantity in cores; fractions down to a millicore (`0.25` is `250m`).
   * @param amount a positive number of cores
   */
  public static cores(amount: number): CpuQuantity {
    return new CpuQuantity(typeof amount === 'number' ? Math.round(amount * 1000) : amount, 'cores', amount);
  }

  /** The quantity in millicores. */
  public readonly millicores: number;

  private constructor(millicores: number, unit: string, given: unknown = millicores) {
    if (!Number.isSafeInteger(millicores) || millicores <= 0 || (unit === 'cores' && Math.abs((given as number) * 1000 - millicores) > 1e-6)) {
      invalid({ field: unit === 'cores' ? 'CpuQuantity.cores' : 'CpuQuantity.millis', value: given, hint: unit === 'cores' ? 'give a positive number of cores in steps of a millicore, e.g. CpuQuantity.cores(0.5)' : 'give a positive whole number of millicores, e.g. CpuQuantity.millis(10)' });
    }
    this.millicores = millicores;
  }

  /** The Kubernetes quantity: `<n>m`, or whole cores as `<n>`. */
  public toString(): string {
    return this.millicores % 1000 === 0 ? `${this.millicores / 1000}` : `${this.millicores}m`;
  }
}

/**
 * A memory or storage size as a positive whole number of mebibytes, the unit the library writes
 * quantities in. Safe integers only: larger numbers render in exponent form ("1e+21Mi"), which is
 * no quantity.
 * @internal
 */
export function wholeMebibytes(field: string, size: unknown, example: string, scope?: IConstruct): number {
  const mi = size instanceof Size ? size.toMebibytes({ rounding: SizeRoundingBehavior.NONE }) : NaN;
  if (!Number.isSafeInteger(mi) || mi <= 0) {
    invalid({ field, value: size instanceof Size ? `${mi}Mi` : size, hint: `give a cdk8s Size of a positive whole number of mebibytes, e.g. ${example}`, scope });
  }
  return mi;
}
