'use client';

import type { SelectHTMLAttributes } from 'react';
import { ChoiceSelect } from '@/components/ui/input';
import { useProjects } from '@/lib/app/use-projects';

/** "All projects", then the projects of the last 90 days; a chosen project not among them stays listed first. */
export function ProjectSelect({
  value,
  onChange,
  ...rest
}: Omit<SelectHTMLAttributes<HTMLSelectElement>, 'value' | 'onChange'> & {
  value: string | undefined;
  onChange: (project: string | undefined) => void;
}) {
  const projects = useProjects();
  const values = value && !projects.includes(value) ? [value, ...projects] : projects;
  return (
    <ChoiceSelect
      aria-label="Project"
      value={value}
      values={values}
      any="All projects"
      option={(p) => p}
      onChange={onChange}
      {...rest}
    />
  );
}
