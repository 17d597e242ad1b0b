/**
 * A small stock-keeping library: the sample tree that {@code Main validate} checks by default.
 *
 * <p>It compiles, but it has a few problems on purpose, so that the validation has real findings:
 * a line that is too long, a tab, trailing whitespace, a public type without Javadoc and a raw
 * type that javac's lint reports.
 */
package com.example.inventory;
