/** A vector in the patient coordinate system (LPS: x to the patient's left, y to posterior, z to the head). */
export type Vector3 = [number, number, number];

export function cross(a: Vector3, b: Vector3): Vector3 {
  return [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
}

export function dot(a: Vector3, b: Vector3): number {
  return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}

/** What sorting needs of an instance. */
export interface SliceInfo {
  instanceNumber?: number | undefined;
  /** Image Position (Patient), mm. */
  position?: number[] | undefined;
  /** Image Orientation (Patient): row direction then column direction. */
  orientation?: number[] | undefined;
}

/** The slice normal (row × column) of an Image Orientation (Patient), or undefined when it has not six values. */
export function sliceNormal(orientation: number[] | undefined): Vector3 | undefined {
  if (!orientation || orientation.length < 6) return undefined;
  const [a, b, c, d, e, f] = orientation as [number, number, number, number, number, number];
  return cross([a, b, c], [d, e, f]);
}

/**
 * The instances in stack order: by Image Position (Patient) projected on the slice normal when every instance has a
 * position and the first has an orientation, highest first (an axial stack runs head to feet); otherwise by Instance
 * Number. Ties keep their Instance Number order. Returns a new array.
 */
export function sortSlices<T extends SliceInfo>(slices: readonly T[]): T[] {
  const byNumber = (a: T, b: T) => (a.instanceNumber ?? 0) - (b.instanceNumber ?? 0);
  const normal = sliceNormal(slices[0]?.orientation);
  if (!normal || !slices.every((s) => s.position && s.position.length >= 3)) return [...slices].sort(byNumber);
  const distance = (s: T) => dot(s.position as Vector3, normal);
  return [...slices].sort((a, b) => distance(b) - distance(a) || byNumber(a, b));
}

const axisLetters: [string, string][] = [
  ["L", "R"],
  ["P", "A"],
  ["H", "F"],
];

/**
 * The patient directions (PS3.3 C.7.6.1.1.1) a vector points to: the letter of its main axis, followed by the next
 * axis' letter when the vector is oblique (its second component is more than a quarter of its length); "" for zero.
 */
export function orientationLabel(v: Vector3): string {
  const length = Math.hypot(v[0], v[1], v[2]);
  if (length === 0) return "";
  const axes = [0, 1, 2].sort((a, b) => Math.abs(v[b]!) - Math.abs(v[a]!));
  let label = "";
  for (const axis of axes.slice(0, 2)) {
    const component = v[axis]! / length;
    if (label && Math.abs(component) <= 0.25) break;
    label += axisLetters[axis]![component >= 0 ? 0 : 1];
  }
  return label;
}

/** The labels at the four edges of an image with this Image Orientation (Patient). */
export interface EdgeLabels {
  top: string;
  right: string;
  bottom: string;
  left: string;
}

export function edgeLabels(orientation: number[] | undefined): EdgeLabels | undefined {
  if (!orientation || orientation.length < 6) return undefined;
  const row: Vector3 = [orientation[0]!, orientation[1]!, orientation[2]!];
  const column: Vector3 = [orientation[3]!, orientation[4]!, orientation[5]!];
  const negate = (v: Vector3): Vector3 => [-v[0], -v[1], -v[2]];
  return { right: orientationLabel(row), left: orientationLabel(negate(row)), bottom: orientationLabel(column), top: orientationLabel(negate(column)) };
}
