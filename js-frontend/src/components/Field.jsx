import React from 'react';
import { Grid, Typography } from '@material-ui/core';

/** One label and value of a card, laid out as Backstage's About card lays out its fields. */
export function Field({ label, children, wide = false }) {
  return (
    <Grid item xs={wide ? 12 : 6} sm={wide ? 12 : 4} data-field={label}>
      <Typography variant="overline" component="div" color="textSecondary" style={{ lineHeight: 1.6 }}>
        {label}
      </Typography>
      <Typography variant="body2" component="div">
        {children ?? '—'}
      </Typography>
    </Grid>
  );
}
