import { clsx, type ClassValue } from 'clsx';
import { extendTailwindMerge } from 'tailwind-merge';

// The design's font sizes (tailwind.config.ts) must be known as sizes: otherwise `text-body`
// counts as a text colour and silently drops `text-white` from the same element.
const twMerge = extendTailwindMerge({
  extend: { classGroups: { 'font-size': [{ text: ['h1', 'h2', 'h3', 'body', 'caption'] }] } },
});

export function cn(...inputs: ClassValue[]): string {
  return twMerge(clsx(inputs));
}
