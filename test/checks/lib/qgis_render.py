"""Loads rezago's map views in QGIS (headless) the way its browser does, with
no key given by hand, and renders a choropleth of the comunas to a PNG.

    QT_QPA_PLATFORM=offscreen /usr/bin/python3 qgis_render.py DBNAME PERIOD OUT.png

Connection from PGHOST, PGPORT, PGUSER.  Prints one line per layer (valid,
key, features, geometry type, CRS) and exits non-zero on any failure.
Run by test/checks/gis_clients.sh.
"""
import os
import sys

os.environ.setdefault('QT_QPA_PLATFORM', 'offscreen')
from qgis.core import (QgsApplication, QgsDataSourceUri, QgsProviderRegistry, QgsVectorLayer,
                       QgsGraduatedSymbolRenderer, QgsClassificationQuantile, QgsStyle,
                       QgsMapSettings, QgsMapRendererParallelJob, QgsWkbTypes)
from qgis.PyQt.QtCore import QSize
from qgis.PyQt.QtGui import QColor

db, period, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
app = QgsApplication([], False)
app.initQgis()
failed = False

conn_uri = QgsDataSourceUri()
conn_uri.setConnection(os.environ['PGHOST'], os.environ['PGPORT'], db, os.environ['PGUSER'], '')
conn = QgsProviderRegistry.instance().providerMetadata('postgres').createConnection(conn_uri.uri(False), {})
tables = {t.tableName(): t for t in conn.tables('rezago')}
layers = {}
for name in ('v_comuna_map', 'v_territory_map', 'v_comuna_map_web', 'v_territory_map_web'):
    t = tables.get(name)
    if t is None:
        print('qgis: %s not listed by the connection' % name)
        failed = True
        continue
    # what QGIS's browser does for a view: the first key candidate, no question asked
    uri = QgsDataSourceUri(conn_uri.uri(False))
    uri.setDataSource('rezago', name, t.geometryColumn(), 'period = %d' % period, t.primaryKeyColumns()[0])
    vl = QgsVectorLayer(uri.uri(False), name, 'postgres')
    ok = vl.isValid() and vl.featureCount() > 0
    key = [vl.fields()[i].name() for i in vl.dataProvider().pkAttributeIndexes()] if vl.isValid() else []
    print('qgis: %s valid=%s key=%s features=%d geometry=%s crs=%s' % (
        name, vl.isValid(), ','.join(key), vl.featureCount() if vl.isValid() else -1,
        QgsWkbTypes.displayString(vl.wkbType()), vl.crs().authid()))
    if not ok or key != ['ogc_fid'] or vl.crs().authid() != 'EPSG:4326' \
            or vl.wkbType() != QgsWkbTypes.MultiPolygon:
        failed = True
    layers[name] = vl

vl = layers.get('v_comuna_map')
if vl is not None and vl.isValid():
    # quintile classes of the index (YlOrRd), grey where a comuna has none
    renderer = QgsGraduatedSymbolRenderer('index')
    renderer.setClassificationMethod(QgsClassificationQuantile())
    renderer.updateClasses(vl, 5)
    renderer.updateColorRamp(QgsStyle.defaultStyle().colorRamp('YlOrRd'))
    for i, r in enumerate(renderer.ranges()):
        symbol = r.symbol().clone()
        symbol.symbolLayer(0).setStrokeColor(QColor(90, 90, 90))
        symbol.symbolLayer(0).setStrokeWidth(0.05)
        renderer.updateRangeSymbol(i, symbol)
    vl.setRenderer(renderer)
    settings = QgsMapSettings()
    settings.setLayers([vl])
    settings.setBackgroundColor(QColor(255, 255, 255))
    settings.setOutputSize(QSize(420, 900))
    # mainland Chile (the oceanic islands would shrink it to a line)
    from qgis.core import QgsRectangle
    settings.setExtent(QgsRectangle(-76.5, -56.0, -66.0, -17.4))
    settings.setDestinationCrs(vl.crs())
    job = QgsMapRendererParallelJob(settings)
    job.start()
    job.waitForFinished()
    image = job.renderedImage()
    if not image.save(out, 'png'):
        print('qgis: could not save %s' % out)
        failed = True
    else:
        # the picture as written: its size, and the colours that cover at
        # least 500 pixels each (background, outlines, the classes' fills)
        from qgis.PyQt.QtGui import QImage
        png = QImage(out)
        counts = {}
        for y in range(png.height()):
            for x in range(png.width()):
                rgb = png.pixel(x, y) & 0xffffff
                counts[rgb] = counts.get(rgb, 0) + 1
        big = sorted(c for c, n in counts.items() if n >= 500)
        print('qgis: rendered %s: %dx%d, %d classes, %d colours on 500+ pixels: %s' % (
            out, png.width(), png.height(), len(renderer.ranges()), len(big),
            ' '.join('#%06x' % c for c in big)))
        if (png.width(), png.height()) != (420, 900) or len(big) < 6:
            print('qgis: FAILED: want 420x900 with the background and at least 5 fill colours')
            failed = True
app.exitQgis()
sys.exit(1 if failed else 0)
