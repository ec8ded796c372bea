'use client';

import { usePreferences } from '@/lib/app/preferences';

/** Concrete colours for SVG charts (Recharts writes attributes, where CSS variables are unreliable). */
const DARK = {
  grid: '#27272A',
  axis: '#71717A',
  text: '#A1A1AA',
  tooltipBg: '#22222E',
  tooltipBorder: '#3F3F46',
  accent: '#6366F1',
  accentSoft: '#818CF8',
  success: '#22C55E',
  failed: '#EF4444',
  pending: '#F59E0B',
  info: '#3B82F6',
  other: '#52525B',
  vima: '#3B82F6',
  payshack: '#F97316',
  heatBase: '99, 102, 241',
  heatEmpty: '#1A1A24',
};
const LIGHT: typeof DARK = {
  grid: '#E4E4E7',
  axis: '#71717A',
  text: '#52525B',
  tooltipBg: '#FFFFFF',
  tooltipBorder: '#E4E4E7',
  accent: '#6366F1',
  accentSoft: '#4F46E5',
  success: '#16A34A',
  failed: '#DC2626',
  pending: '#D97706',
  info: '#2563EB',
  other: '#A1A1AA',
  vima: '#2563EB',
  payshack: '#EA580C',
  heatBase: '99, 102, 241',
  heatEmpty: '#F4F4F5',
};

export type Palette = typeof DARK;

export function usePalette(): Palette {
  return usePreferences().theme === 'light' ? LIGHT : DARK;
}
