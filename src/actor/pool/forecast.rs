//! Exponentially weighted moving averages, for service times and the load forecast.

/// An EWMA: `value ← α·sample + (1−α)·value` (the first sample sets it).
///
/// ```
/// use katalyst::actor::pool::Ewma;
/// let mut e = Ewma::new(0.5);
/// assert_eq!(e.value(), None);
/// e.add(10.0);
/// e.add(20.0);
/// assert_eq!(e.value(), Some(15.0));
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Ewma {
    alpha: f64,
    value: Option<f64>,
}

impl Ewma {
    /// With smoothing `alpha` in (0, 1] (clamped).
    ///
    /// See [`Ewma`] for an example.
    pub fn new(alpha: f64) -> Self {
        Ewma {
            alpha: if alpha.is_finite() {
                alpha.clamp(1e-6, 1.0)
            } else {
                0.3
            },
            value: None,
        }
    }

    /// Adds a sample.
    ///
    /// See [`Ewma`] for an example.
    pub fn add(&mut self, sample: f64) {
        self.value = Some(match self.value {
            None => sample,
            Some(v) => self.alpha * sample + (1.0 - self.alpha) * v,
        });
    }

    /// The average so far.
    ///
    /// See [`Ewma`] for an example.
    pub fn value(&self) -> Option<f64> {
        self.value
    }
}

/// One autoscaling step: what was forecast for the interval and what then happened.
///
/// See [`super::Pool::stats`] for an example.
#[derive(Clone, Debug, PartialEq)]
pub struct ForecastPoint {
    /// Forecast arrival rate (messages/s) for the interval, made at its start.
    pub forecast_rate: f64,
    /// Measured arrival rate over the interval.
    pub actual_rate: f64,
    /// Members chosen for the interval from the forecast.
    pub size: usize,
}
