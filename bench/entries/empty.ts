/* XS bench entry: the same two exports doing nothing, to subtract the bundle wrapper's own slots. */
export function encodeOnce(input: unknown): unknown {
	return input;
}

export function encodeN(_input: unknown, n: number): number {
	return n;
}
