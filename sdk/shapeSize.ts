/** The number of elements of a tensor (or chunk) of this shape; 1 for a scalar. */
export const shapeSize = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);
