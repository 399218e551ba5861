import importlib.util
import sys
from pathlib import Path

import imblearn.over_sampling as imb
import numpy as np
import pandas as pd
import pytest
import scipy.sparse
from imblearn.pipeline import make_pipeline
from imblearn.utils import check_sampling_strategy
from scipy import stats
from sklearn.base import clone
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import balanced_accuracy_score
from sklearn.model_selection import StratifiedKFold, cross_val_score
from sklearn.neighbors import NearestNeighbors
from sklearn.preprocessing import OneHotEncoder

from synthlaw import samplers
from synthlaw.samplers import ADASYN, SMOTE, SMOTEN, SMOTENC, GaussianPlugin, RandomOverSampler, TransformerOversampler

LEVEL = 1e-3  # chance that a statistical check fails a correct sampler, over seeds
TINY_TRANSFORMER = {"steps": 30, "width": 16, "layers": 1, "heads": 2, "n_bins": 8, "batch": 32, "holdout": 0.0}


def table(n_per_class=(200, 30), d=3, seed=0):
    rng = np.random.default_rng(seed)
    x_nd = np.vstack([rng.normal(c, 1.0, (n, d)) for c, n in enumerate(n_per_class)])
    return x_nd, np.repeat(np.arange(len(n_per_class)), n_per_class)


def segment_distances(z_nd, x_md, neighbours_mk):
    """Distance from each z to each segment [x_i, x_j], j among i's listed neighbours: dist_nmk."""
    base_mkd = np.broadcast_to(x_md[:, None, :], neighbours_mk.shape + x_md.shape[1:])
    diff_mkd = x_md[neighbours_mk] - base_mkd
    to_z_nmkd = z_nd[:, None, None, :] - base_mkd[None]
    u_nmk = np.clip((to_z_nmkd * diff_mkd[None]).sum(-1) / (diff_mkd**2).sum(-1)[None], 0.0, 1.0)
    return np.linalg.norm(to_z_nmkd - u_nmk[..., None] * diff_mkd[None], axis=-1)


def segment_distance(z_nd, x_md, neighbours_mk):
    """Distance from each z to the nearest segment [x_i, x_j], j among i's listed neighbours."""
    return segment_distances(z_nd, x_md, neighbours_mk).reshape(len(z_nd), -1).min(1)


def float32_tolerance(x_md):
    """Rounding of float32 interpolation: inputs, x_j - x_i, u (x_j - x_i) and the sum each within
    2^-24 of their size (at most 2 max|x| for the difference): 6 2^-24 max|x| per coordinate."""
    return 6 * 2.0**-24 * np.abs(x_md).max() * np.sqrt(x_md.shape[1])


STRATEGY_CASES = [((200, 30), "auto"), ((200, 30), 0.6), ((200, 30), 1.0), ((200, 30), {1: 150}),
                  ((200, 30), {0: 200, 1: 30}), ((200, 30), "all"), ((200, 30), "minority"),
                  ((200, 30), "not minority"), ((120, 40, 25), "auto"), ((120, 40, 25), "not majority"),
                  ((120, 40, 25), {1: 60, 2: 90}), ((120, 40, 25), "minority"), ((40, 120, 40), "auto")]


@pytest.mark.parametrize("n_per_class,strategy", STRATEGY_CASES)
def test_targets_per_class_equal_imblearns(n_per_class, strategy):
    _, y_n = table(n_per_class)
    counts = dict(zip(*np.unique(y_n, return_counts=True), strict=True))
    assert samplers.sampling_targets(strategy, counts) == check_sampling_strategy(strategy, y_n, "over-sampling")


@pytest.mark.parametrize("ours,theirs,n_per_class,strategy", [
    (RandomOverSampler, imb.RandomOverSampler, (200, 30), "auto"),
    (SMOTE, imb.SMOTE, (200, 30), "auto"),
    (GaussianPlugin, imb.RandomOverSampler, (200, 30), "auto"),
    (ADASYN, imb.ADASYN, (200, 30), "auto"),
    (ADASYN, imb.ADASYN, (120, 40, 25), "auto"),
])
def test_rows_per_class_equal_imblearns(ours, theirs, n_per_class, strategy):
    x_nd, y_n = table(n_per_class)
    x_res, y_res = ours(sampling_strategy=strategy, random_state=0).fit_resample(x_nd, y_n)
    _, y_ref = theirs(sampling_strategy=strategy, random_state=0).fit_resample(x_nd, y_n)
    np.testing.assert_array_equal(np.bincount(y_res), np.bincount(y_ref))
    np.testing.assert_array_equal(x_res[:len(x_nd)], x_nd)
    np.testing.assert_array_equal(y_res[len(y_n):], np.sort(y_res[len(y_n):]))  # new rows class by class


def test_random_oversampling_copies_minority_rows_uniformly():
    x_nd, y_n = table((200, 30))
    n_new = 3000
    x_res, y_res = RandomOverSampler(sampling_strategy={1: 30 + n_new}, random_state=0).fit_resample(x_nd, y_n)
    x_min = x_nd[y_n == 1]
    match_nm = (x_res[len(x_nd):, None, :] == x_min[None]).all(-1)
    assert (match_nm.sum(1) == 1).all() and (y_res[len(x_nd):] == 1).all()
    ours_m = match_nm.sum(0)
    # each parent count is Binomial(n_new, 1/30): Pearson's statistic is chi2 with 29 d.o.f.
    expected = n_new / len(x_min)
    assert ((ours_m - expected) ** 2 / expected).sum() < stats.chi2.ppf(1 - LEVEL, len(x_min) - 1)
    # and the same law as imblearn's draws: a 2 x 30 homogeneity test
    x_ref, _ = imb.RandomOverSampler(sampling_strategy={1: 30 + n_new}, random_state=0).fit_resample(x_nd, y_n)
    theirs_m = (x_ref[len(x_nd):, None, :] == x_min[None]).all(-1).sum(0)
    assert stats.chi2_contingency(np.stack([ours_m, theirs_m])).pvalue > LEVEL


@pytest.mark.parametrize("sampler,k", [(SMOTE(k_neighbors=3, random_state=1), 3), (ADASYN(random_state=1), 5)])
def test_new_rows_lie_between_a_class_row_and_one_of_its_k_nearest_class_rows(sampler, k):
    x_nd, y_n = table((120, 40, 25))
    x_res, y_res = sampler.fit_resample(x_nd, y_n)
    for label in (1, 2):
        x_class = x_nd[y_n == label]
        nn = NearestNeighbors(n_neighbors=k + 2).fit(x_class).kneighbors(x_class, return_distance=False)
        z_nd = x_res[len(x_nd):][y_res[len(x_nd):] == label]
        assert len(z_nd) > 50
        tol = float32_tolerance(x_class)
        assert segment_distance(z_nd, x_class, nn[:, 1:k + 1]).max() <= tol
        # the check has power: midpoints towards the (k+1)-th neighbour are rejected (where that
        # neighbour does not have the row among its own k nearest either)
        far = nn[:, k + 1]
        one_way = np.array([i not in nn[j, 1:k + 1] for i, j in enumerate(far)])
        assert one_way.sum() >= 5
        control = 0.5 * (x_class + x_class[far])[one_way]
        assert segment_distance(control, x_class, nn[:, 1:k + 1]).min() > tol


def test_a_pipeline_under_cross_val_score_resamples_the_training_folds_only():
    x_nd, y_n = table((200, 30))
    folds = StratifiedKFold(3, shuffle=True, random_state=0)
    scores = cross_val_score(make_pipeline(SMOTE(random_state=0), LogisticRegression()), x_nd, y_n, cv=folds,
                             scoring="balanced_accuracy")
    by_hand = []
    for train, test in folds.split(x_nd, y_n):
        x_res, y_res = SMOTE(random_state=0).fit_resample(x_nd[train], y_n[train])
        by_hand.append(balanced_accuracy_score(y_n[test], LogisticRegression().fit(x_res, y_res).predict(x_nd[test])))
    np.testing.assert_allclose(scores, by_hand, rtol=1e-12)


@pytest.mark.slow
def test_the_transformer_oversampler_in_a_pipeline_under_cross_val_score():
    x_nd, y_n = table((200, 30))
    sampler = TransformerOversampler(random_state=0, options=TINY_TRANSFORMER)
    x_res, y_res = sampler.fit_resample(x_nd, y_n)
    np.testing.assert_array_equal(np.bincount(y_res), [200, 200])
    assert np.isfinite(x_res).all()
    folds = StratifiedKFold(3, shuffle=True, random_state=0)
    scores = cross_val_score(make_pipeline(sampler, LogisticRegression()), x_nd, y_n, cv=folds,
                             scoring="balanced_accuracy")
    by_hand = []
    for train, test in folds.split(x_nd, y_n):
        x_res, y_res = clone(sampler).fit_resample(x_nd[train], y_n[train])
        by_hand.append(balanced_accuracy_score(y_n[test], LogisticRegression().fit(x_res, y_res).predict(x_nd[test])))
    np.testing.assert_allclose(scores, by_hand, rtol=1e-12)


def test_a_dataframe_comes_back_as_imblearn_returns_it():
    x_nd, y_n = table((200, 30))
    frame = pd.DataFrame(x_nd, columns=["a", "b", "c"]).astype({"a": np.float32})
    frame["n"] = np.arange(230) % 4
    label = pd.Series(np.where(y_n == 1, "yes", "no"), name="target")
    x_res, y_res = SMOTE(random_state=0).fit_resample(frame, label)
    x_ref, y_ref = imb.SMOTE(random_state=0).fit_resample(frame, label)
    assert type(x_res) is pd.DataFrame and type(y_res) is pd.Series
    pd.testing.assert_index_equal(x_res.columns, x_ref.columns)
    pd.testing.assert_series_equal(x_res.dtypes, x_ref.dtypes)
    pd.testing.assert_index_equal(x_res.index, x_ref.index)
    assert y_res.name == "target" and y_res.dtype == y_ref.dtype
    pd.testing.assert_frame_equal(x_res.iloc[:230], frame)
    assert (y_res.value_counts() == y_ref.value_counts()).all()


def test_integer_arrays_stay_integer_as_in_imblearn():
    x_nd, y_n = table((200, 30))
    x_int = np.round(10 * x_nd).astype(np.int64)
    x_res, _ = SMOTE(random_state=0).fit_resample(x_int, y_n)
    x_ref, _ = imb.SMOTE(random_state=0).fit_resample(x_int, y_n)
    assert x_res.dtype == x_ref.dtype == np.int64 and x_res.shape == x_ref.shape


def test_random_state_int_repeats_none_does_not():
    x_nd, y_n = table((200, 30))
    seeded = [SMOTE(random_state=3).fit_resample(x_nd, y_n)[0] for _ in range(2)]
    assert np.array_equal(*seeded)
    assert not np.array_equal(SMOTE().fit_resample(x_nd, y_n)[0], SMOTE().fit_resample(x_nd, y_n)[0])
    state = np.random.RandomState(0)
    assert not np.array_equal(SMOTE(random_state=state).fit_resample(x_nd, y_n)[0],
                              SMOTE(random_state=state).fit_resample(x_nd, y_n)[0])


@pytest.mark.parametrize("sampler,y,match", [
    (SMOTE(sampling_strategy="most"), None, r"sampling_strategy = 'most': unknown; allowed: 'auto'"),
    (SMOTE(sampling_strategy=1.5), None, r"sampling_strategy = 1.5: a float must be in \(0, 1\]"),
    (SMOTE(sampling_strategy=0.1), None, r"sampling_strategy = 0.1: .* increase it"),
    (SMOTE(sampling_strategy=0.5), "three", r"a float needs 2 classes, y has 3"),
    (SMOTE(sampling_strategy={7: 100}), None, r"class 7 is not in y"),
    (SMOTE(sampling_strategy={1: 10}), None, r"sampling_strategy\[1\] = 10: must be an integer >= the 30 rows"),
    (SMOTE(), "one", r"y has 1 class \(0\); oversampling needs at least 2"),
    (SMOTE(), "continuous", r"y has non-integer values \(0.5, ...\); the samplers take class labels"),
    (SMOTE(k_neighbors=30), None, r"SMOTE: class 1 has 30 rows; k_neighbors = 30 needs more than 30 rows"),
    (ADASYN(n_neighbors=0), None, r"n_neighbors = 0: must be an integer >= 1"),
    (SMOTE(random_state="seed"), None, r"random_state = 'seed': allowed: an int"),
    (SMOTE(random_state=2**70), None, r"random_state = \d+: an int must fit in 64 bits"),
])
def test_bad_input_is_one_clear_error(sampler, y, match):
    x_nd, y_n = table((200, 30, 20) if y == "three" else (200, 30))
    if y == "one":
        y_n = np.zeros_like(y_n)
    if y == "continuous":
        y_n = y_n + 0.5
    with pytest.raises(ValueError, match=match) as err:
        sampler.fit_resample(x_nd, y_n)
    assert "\n" not in str(err.value)


def test_params_follow_scikit_learn_and_the_fallback_base_gives_the_same():
    sampler = SMOTE(k_neighbors=3, random_state=2)
    assert clone(sampler).get_params() == sampler.get_params() == {
        "k_neighbors": 3, "random_state": 2, "sampling_strategy": "auto"}
    assert sampler.set_params(k_neighbors=4) is sampler and sampler.k_neighbors == 4
    # without scikit-learn, the module's own base class takes BaseEstimator's place
    with pytest.MonkeyPatch.context() as patch:
        patch.setitem(sys.modules, "sklearn", None)
        patch.setitem(sys.modules, "sklearn.base", None)
        spec = importlib.util.spec_from_file_location("samplers_without_sklearn", Path(samplers.__file__))
        bare = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(bare)
    assert bare.EstimatorBase is bare.ParamsBase
    plain = bare.ADASYN(n_neighbors=3)
    assert plain.get_params() == ADASYN(n_neighbors=3).get_params()
    assert plain.set_params(random_state=1).random_state == 1
    with pytest.raises(ValueError, match="Invalid parameter 'k' for estimator ADASYN"):
        plain.set_params(k=1)
    x_nd, y_n = table((200, 30))
    assert np.bincount(plain.fit_resample(x_nd, y_n)[1]).tolist() == np.bincount(
        ADASYN(n_neighbors=3).fit_resample(x_nd, y_n)[1]).tolist()


def mixed_frame(n_per_class=(200, 60, 40), seed=0):
    """Three numeric columns N(class, 1), a text column, a category column (with an unused
    category 'z' listed first) and a boolean column whose shares depend on the class."""
    rng = np.random.default_rng(seed)
    y_n = np.repeat(np.arange(len(n_per_class)), n_per_class)
    frame = pd.DataFrame(rng.normal(y_n[:, None], 1.0, (len(y_n), 3)), columns=["a", "b", "c"])
    north_n = rng.random(len(y_n)) < 0.3 + 0.2 * y_n
    frame.insert(1, "town", np.where(north_n, "north", rng.choice(["south", "east"], len(y_n))))
    grades = ["z", "low", "mid", "high"]
    frame["grade"] = pd.Categorical(rng.choice(grades[1:], len(y_n)), categories=grades)
    frame["member"] = rng.random(len(y_n)) < 0.2 + 0.3 * (y_n == 1)
    return frame, pd.Series(np.array(["none", "some", "many"])[y_n], name="label")


CATEGORICAL = ["town", "grade", "member"]


@pytest.mark.parametrize("strategy", ["auto", "minority", {"some": 150, "many": 90}])
def test_smotenc_and_smoten_counts_equal_imblearns(strategy):
    frame, label = mixed_frame()
    x_res, y_res = SMOTENC(CATEGORICAL, sampling_strategy=strategy, random_state=0).fit_resample(frame, label)
    _, y_ref = imb.SMOTENC(CATEGORICAL, sampling_strategy=strategy, random_state=0).fit_resample(frame, label)
    assert y_res.value_counts().to_dict() == y_ref.value_counts().to_dict()
    words = frame[CATEGORICAL]
    _, y_res = SMOTEN(sampling_strategy=strategy, random_state=0).fit_resample(words, label)
    _, y_ref = imb.SMOTEN(sampling_strategy=strategy, random_state=0).fit_resample(words, label)
    assert y_res.value_counts().to_dict() == y_ref.value_counts().to_dict()


def imblearn_encoding(frame, sigma):
    """imblearn's SMOTENC encoding of rows: numeric columns, then one-hot entries of sigma / sqrt(2)."""
    onehot = OneHotEncoder().fit_transform(frame[CATEGORICAL].astype(str)).toarray() * sigma / np.sqrt(2)
    return np.hstack([frame.drop(columns=CATEGORICAL).to_numpy(np.float64), onehot])


def test_each_new_smotenc_row_is_on_a_segment_to_an_imblearn_neighbour_with_their_modal_categories():
    """The sampler does not return parents: each new row's base i and neighbour j are the pairs
    whose segment passes through its numeric values (a mutual pair gives two); its categories must
    be the most frequent among i's k neighbours (some tied mode) for one of them."""
    frame, label = mixed_frame()
    k = 4
    x_res, y_res = SMOTENC(CATEGORICAL, k_neighbors=k, random_state=2).fit_resample(frame, label)
    reference = imb.SMOTENC(CATEGORICAL, k_neighbors=k, sampling_strategy={"many": 41}, random_state=0)
    reference.fit_resample(frame, label)
    numeric = ["a", "b", "c"]
    class_rows = frame[label == "many"].reset_index(drop=True)
    new_rows = x_res[len(frame):][(y_res[len(frame):] == "many").to_numpy()]
    encoded = imblearn_encoding(class_rows, reference.median_std_["many"])
    near_mk = NearestNeighbors(n_neighbors=k + 1).fit(encoded).kneighbors(encoded, return_distance=False)[:, 1:]
    x_md = class_rows[numeric].to_numpy()
    tol = float32_tolerance(x_md)
    on_segment_nm = (segment_distances(new_rows[numeric].to_numpy(np.float64), x_md, near_mk) <= tol).any(axis=2)
    assert len(new_rows) == 160 and on_segment_nm.any(axis=1).all()  # each on a segment to an imblearn neighbour
    modal = [{c: modal_values(class_rows[c].iloc[near_mk[i]]) for c in CATEGORICAL} for i in range(len(x_md))]
    for (_, row), bases in zip(new_rows.iterrows(), on_segment_nm, strict=True):
        assert any(all(row[c] in modal[i][c] for c in CATEGORICAL) for i in np.flatnonzero(bases))


def modal_values(values):
    counts = values.value_counts()
    return set(counts.index[counts == counts.max()])


def test_category_shares_of_new_rows_match_imblearns_smotenc():
    """Each sampler's share of a level is a mean of n_new independent draws (base row uniform, then
    its neighbours' mode, a tie broken at random) with the same p if the definitions agree: the
    difference of the two shares has variance p (1 - p) 2 / n_new, and the tolerance is z times
    its square root, z two-sided at LEVEL shared (Bonferroni) over the 7 levels compared."""
    frame, label = mixed_frame()
    n_new = 4000
    strategy = {"many": 40 + n_new}
    x_res, _ = SMOTENC(CATEGORICAL, sampling_strategy=strategy, random_state=0).fit_resample(frame, label)
    x_ref, _ = imb.SMOTENC(CATEGORICAL, sampling_strategy=strategy, random_state=0).fit_resample(frame, label)
    z = stats.norm.isf(LEVEL / 2 / 7)
    for column in CATEGORICAL:
        for level in frame[column].unique():
            p_ours = np.mean(x_res[column].iloc[len(frame):] == level)
            p_theirs = np.mean(x_ref[column].iloc[len(frame):] == level)
            p = (p_ours + p_theirs) / 2
            assert abs(p_ours - p_theirs) <= z * np.sqrt(p * (1 - p) * 2 / n_new) + 1e-12, (column, level)


@pytest.mark.parametrize("sampler", [RandomOverSampler(random_state=0), SMOTE(random_state=0), ADASYN(random_state=0),
                                     SMOTENC(random_state=0), SMOTEN(random_state=0)])
def test_mixed_frames_come_back_with_their_columns_dtypes_and_levels(sampler):
    frame, label = mixed_frame()
    frame["town"] = frame["town"].astype(object)
    frame["code"] = pd.Series(np.where(label == "some", "x", "y"), dtype="string")
    frame.loc[::7, "a"] = np.nan
    frame.loc[::11, "town"] = None  # a blank: one more level
    if isinstance(sampler, SMOTEN):
        frame = frame[CATEGORICAL + ["code"]]
    x_res, y_res = sampler.fit_resample(frame, label)
    assert list(x_res.columns) == list(frame.columns) and x_res.dtypes.to_dict() == frame.dtypes.to_dict()
    assert isinstance(x_res.index, pd.RangeIndex) and y_res.name == "label"
    pd.testing.assert_frame_equal(x_res.iloc[:len(frame)], frame)
    new = x_res.iloc[len(frame):]
    for column in [c for c in CATEGORICAL + ["code"] if c in frame]:
        assert set(new[column].dropna()) <= set(frame[column].dropna())
        assert frame[column].isna().any() or not new[column].isna().any()
    assert list(x_res["grade"].cat.categories) == ["z", "low", "mid", "high"]
    if "a" in frame:  # numeric blanks (1 in 7): copied by ROS; the others generate a blank flag per row
        assert new["a"].notna().any() and (new["a"].isna().any() or not isinstance(sampler, RandomOverSampler))


def test_numpy_object_arrays_go_through_smotenc_by_index_as_in_imblearn():
    frame, label = mixed_frame()
    x_od = frame.astype(object).to_numpy()
    index = [frame.columns.get_loc(c) for c in CATEGORICAL]
    x_res, y_res = SMOTENC(index, random_state=0).fit_resample(x_od, label.to_numpy())
    x_ref, y_ref = imb.SMOTENC(index, random_state=0).fit_resample(x_od, label.to_numpy())
    assert x_res.dtype == x_ref.dtype == object and x_res.shape == x_ref.shape
    np.testing.assert_array_equal(np.unique(y_res, return_counts=True)[1], np.unique(y_ref, return_counts=True)[1])
    for j in index:
        assert set(x_res[len(frame):, j]) <= set(x_od[:, j])


@pytest.mark.parametrize("sampler,columns,match", [
    (SMOTENC(CATEGORICAL + ["a", "b", "c"]), None, "not designed to work only with categorical features"),
    (SMOTENC([]), None, "not designed to work only with numerical features"),
    (SMOTENC(["nowhere"]), None, r"categorical_features = \['nowhere'\]: allowed: 'auto', indices"),
    (SMOTENC(), "array", r"categorical_features = 'auto' reads a pandas DataFrame's dtypes"),
    (ADASYN(), CATEGORICAL, r"method = 'adasyn': .* use 'smote' \(SMOTE-N\) or 'ros'"),
])
def test_bad_mixed_input_is_one_clear_error(sampler, columns, match):
    frame, label = mixed_frame()
    x = frame.to_numpy() if columns == "array" else frame if columns is None else frame[columns]
    with pytest.raises(ValueError, match=match) as err:
        sampler.fit_resample(x, label)
    assert "\n" not in str(err.value)


@pytest.mark.parametrize("x, match", [
    ("sparse", r"X is a sparse matrix \(csr_matrix\); the samplers take dense arrays or DataFrames"),
    (np.zeros((230, 0)), r"X: shape \(230, 0\); the samplers need at least one row and one column"),
    (np.zeros(230), r"X: shape \(230,\); expected a 2-D table"),
])
def test_an_x_the_samplers_cannot_read_is_named(x, match):
    x_nd, y_n = table((200, 30))
    x = scipy.sparse.csr_matrix(x_nd) if isinstance(x, str) else x
    with pytest.raises(ValueError, match=match):
        SMOTE(random_state=0).fit_resample(x, y_n)
    with pytest.raises(ValueError, match=r"X: shape \(0, 2\); the samplers need at least one row"):
        SMOTE(random_state=0).fit_resample(np.zeros((0, 2)), np.zeros(0))


@pytest.mark.parametrize("sampler", [RandomOverSampler, SMOTE, SMOTENC, SMOTEN, ADASYN, TransformerOversampler])
def test_every_sampler_documents_its_parameters_as_numpydoc(sampler):
    import inspect

    doc = sampler.__doc__
    assert "\n    Parameters\n    ----------\n" in doc and "\n    Attributes\n    ----------\n" in doc
    for name in inspect.signature(sampler.__init__).parameters:
        if name != "self":
            assert f"\n    {name} : " in doc, name
    assert "Returns\n        -------" in sampler.fit_resample.__doc__


def test_importing_the_samplers_does_not_load_jax():
    import subprocess

    script = "import sys, synthlaw.samplers; print('jax' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.stdout.split() == ["False"], done.stderr


def test_the_samplers_turn_on_synthlaws_compile_cache_only_where_the_caller_chose_none(monkeypatch, tmp_path):
    import jax

    from synthlaw.sims.engine.compile_cache import enable_unless_chosen

    chosen = jax.config.values["jax_compilation_cache_dir"]
    assert chosen  # conftest's folder stands for a caller's own choice
    monkeypatch.setenv("SYNTHLAW_COMPILE_CACHE", str(tmp_path / "ours"))
    enable_unless_chosen()
    assert jax.config.values["jax_compilation_cache_dir"] == chosen
    try:
        jax.config.update("jax_compilation_cache_dir", None)
        enable_unless_chosen()
        assert jax.config.values["jax_compilation_cache_dir"] == str(tmp_path / "ours")
    finally:
        jax.config.update("jax_compilation_cache_dir", chosen)


@pytest.mark.slow
def test_a_new_process_reads_the_samplers_compiled_generator_from_the_cache(tmp_path):
    import os
    import subprocess

    script = ("import numpy as np; from synthlaw.samplers import SMOTE; "
              "x = np.random.default_rng(0).normal(size=(230, 3)); y = np.repeat([0, 1], [200, 30]); "
              "SMOTE(random_state=0).fit_resample(x, y)")
    env = {k: v for k, v in os.environ.items() if k != "JAX_COMPILATION_CACHE_DIR"}
    env["SYNTHLAW_COMPILE_CACHE"] = str(tmp_path)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr
    assert any(path.name.startswith("jit_generate") for path in tmp_path.iterdir())
