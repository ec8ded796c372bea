'use client';

import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { isTimeZone, type TimeZone } from '../dates';

/** Theme (dark first) and display time zone, persisted in localStorage. */
type Theme = 'dark' | 'light';
interface Prefs {
  theme: Theme;
  setTheme: (t: Theme) => void;
  tz: TimeZone;
  setTz: (tz: TimeZone) => void;
  /** False until the stored preferences were read (avoids fetching twice with the wrong zone). */
  ready: boolean;
}

const PrefsContext = createContext<Prefs | null>(null);
export const THEME_KEY = 'psp.theme';
export const TZ_KEY = 'psp.tz';

function store(key: string, value: string) {
  try {
    localStorage.setItem(key, value);
  } catch {
    /* private mode: keep it in memory */
  }
}

export function PreferencesProvider({ children }: { children: ReactNode }) {
  const [theme, setThemeState] = useState<Theme>('dark');
  const [tz, setTzState] = useState<TimeZone>('UTC');
  const [ready, setReady] = useState(false);

  useEffect(() => {
    let storedTheme: string | null = null;
    let storedTz: string | null = null;
    try {
      storedTheme = localStorage.getItem(THEME_KEY);
      storedTz = localStorage.getItem(TZ_KEY);
    } catch {
      /* ignore */
    }
    const urlTz = new URLSearchParams(window.location.search).get('tz');
    if (storedTheme === 'light' || storedTheme === 'dark') setThemeState(storedTheme);
    if (isTimeZone(urlTz)) setTzState(urlTz);
    else if (isTimeZone(storedTz)) setTzState(storedTz);
    setReady(true);
  }, []);

  useEffect(() => {
    document.documentElement.classList.toggle('dark', theme === 'dark');
  }, [theme]);

  const setTheme = useCallback((t: Theme) => {
    setThemeState(t);
    store(THEME_KEY, t);
  }, []);
  const setTz = useCallback((z: TimeZone) => {
    setTzState(z);
    store(TZ_KEY, z);
  }, []);

  const value = useMemo(() => ({ theme, setTheme, tz, setTz, ready }), [theme, setTheme, tz, setTz, ready]);
  return <PrefsContext.Provider value={value}>{children}</PrefsContext.Provider>;
}

export function usePreferences(): Prefs {
  const ctx = useContext(PrefsContext);
  if (!ctx) throw new Error('usePreferences outside PreferencesProvider');
  return ctx;
}

/** Inline script for <head>: applies the stored theme before first paint (no flash). */
export const THEME_BOOT_SCRIPT = `try{var t=localStorage.getItem('${THEME_KEY}');document.documentElement.classList.toggle('dark',t!=='light')}catch(e){document.documentElement.classList.add('dark')}`;
