import type { Config } from 'tailwindcss';

// Colours are CSS variables (see src/app/globals.css) so the dark and light palettes from
// the design spec swap with one class on <html>.
const v = (name: string) => `rgb(var(--${name}) / <alpha-value>)`;

const config: Config = {
  darkMode: 'class',
  content: ['./src/**/*.{ts,tsx}'],
  theme: {
    extend: {
      colors: {
        bg: v('bg'),
        panel: v('panel'),
        input: v('input'),
        overlay: v('overlay'),
        fg: v('fg'),
        'fg-2': v('fg-2'),
        muted: v('muted'),
        border: v('border'),
        'border-hover': v('border-hover'),
        accent: v('accent'),
        'accent-hover': v('accent-hover'),
        'accent-fg': v('accent-fg'),
        success: v('success'),
        failed: v('failed'),
        pending: v('pending'),
        info: v('info'),
        vima: v('vima'),
        payshack: v('payshack'),
      },
      fontFamily: {
        sans: ['Inter', 'ui-sans-serif', 'system-ui', 'sans-serif'],
        mono: ['"JetBrains Mono"', 'ui-monospace', 'monospace'],
      },
      fontSize: {
        h1: ['32px', { lineHeight: '40px', fontWeight: '700' }],
        h2: ['24px', { lineHeight: '32px', fontWeight: '600' }],
        h3: ['18px', { lineHeight: '26px', fontWeight: '600' }],
        body: ['14px', { lineHeight: '20px' }],
        caption: ['12px', { lineHeight: '16px' }],
      },
      borderRadius: { sm: '4px', md: '8px', lg: '12px' },
      keyframes: {
        shimmer: { '100%': { transform: 'translateX(100%)' } },
        indeterminate: { '0%': { left: '-35%', right: '100%' }, '60%, 100%': { left: '100%', right: '-90%' } },
      },
      animation: {
        shimmer: 'shimmer 1.4s infinite',
        indeterminate: 'indeterminate 1.6s cubic-bezier(0.65,0.815,0.735,0.395) infinite',
      },
    },
  },
  plugins: [],
};

export default config;
